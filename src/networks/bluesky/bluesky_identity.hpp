#pragma once

#include "networks/bluesky/bluesky_client.hpp"
#include "networks/identity.hpp"

// The AT Protocol's identity resolution (ADR 0032) over BlueskyClient:
//   handle -> DID: com.atproto.identity.resolveHandle on settings.handle_resolver_url (a PDS
//     or the entryway, which resolve DNS TXT and https://<handle>/.well-known/atproto-did).
//   DID -> document: did:plc from settings.plc_url, did:web from /.well-known/did.json; the
//     handle is its first alsoKnownAs "at://" entry, kept only when that handle resolves back
//     to the same DID (one more resolveHandle): a document can claim any handle.
namespace roost::networks::bluesky {

class BlueskyIdentityResolver final : public IdentityResolver {
 public:
  explicit BlueskyIdentityResolver(BlueskySettings settings) : client_(std::move(settings)) {}

  NetworkResult<ResolvedIdentity> identity_of_did(std::string_view did) override;

 protected:
  NetworkResult<std::string> resolve_handle(std::string_view handle,
                                            std::optional<Deadline> deadline) override;

 private:
  BlueskyClient client_;
};

}  // namespace roost::networks::bluesky
