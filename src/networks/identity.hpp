#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "networks/network.hpp"

// Handles and DIDs (ADR 0032): the account id a handle names today, and the handle (and PDS)
// a DID's document names. Streams resolve `from:` handles through it when saved; a
// background worker fills the cache of authors' handles through it. Every call blocks
// (libcurl): never on an I/O thread or the ingest thread. Thread-safe.
namespace roost::networks {

struct ResolvedIdentity {
  std::string did;
  // The handle the DID document claims (alsoKnownAs at://<handle>), lower case, when it
  // resolves back to the same DID; empty when the document claims none or the claim does not
  // verify (the account then has no trustworthy handle: show the DID).
  std::string handle;
  std::string pds_url;  // empty when the document names no #atproto_pds service
};

class IdentityResolver {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  virtual ~IdentityResolver() = default;
  // The DID of `handle` (given without '@', any case). not_found when the handle names no
  // one; transient for a resolver that does not answer (or times out); rate_limited on 429.
  NetworkResult<std::string> did_of_handle(std::string_view handle) {
    return resolve_handle(handle, std::nullopt);
  }
  // The same, answered by `deadline` (transient, timed out, when it passes first).
  NetworkResult<std::string> did_of_handle(std::string_view handle, Deadline deadline) {
    return resolve_handle(handle, deadline);
  }
  // The identity a DID document describes. not_found when the directory has no such DID;
  // permanent for a DID method other than plc and web; transient and rate_limited as above.
  virtual NetworkResult<ResolvedIdentity> identity_of_did(std::string_view did) = 0;

 protected:
  // did_of_handle's work: within the resolver's own timeouts and `deadline` when set.
  virtual NetworkResult<std::string> resolve_handle(std::string_view handle,
                                                    std::optional<Deadline> deadline) = 0;
};

}  // namespace roost::networks
