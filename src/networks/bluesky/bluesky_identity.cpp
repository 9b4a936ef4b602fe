#include "networks/bluesky/bluesky_identity.hpp"

#include "core/ascii.hpp"
#include "domain/stream_query.hpp"

namespace roost::networks::bluesky {

NetworkResult<std::string> BlueskyIdentityResolver::resolve_handle(
    std::string_view handle, std::optional<Deadline> deadline) {
  std::string normalized = core::ascii_lower(handle);
  if (!normalized.empty() && normalized.front() == '@') normalized.erase(0, 1);
  if (!domain::is_handle(normalized)) {
    NetworkError error;
    error.kind = FailureKind::not_found;
    error.code = "InvalidHandle";
    error.message = "not a handle: " + core::quoted(handle);
    return error;
  }
  return client_.resolve_handle(normalized, deadline);
}

NetworkResult<ResolvedIdentity> BlueskyIdentityResolver::identity_of_did(std::string_view did) {
  auto document = client_.did_document(did);
  if (!document.ok()) return std::move(document).error();
  ResolvedIdentity identity;
  identity.did = std::string(did);
  if (auto pds = pds_endpoint_of(*document); pds.ok()) identity.pds_url = *pds;
  auto claimed = handle_of(*document);
  if (!claimed) return identity;
  // The other direction: a handle counts only when it names this DID again.
  auto back = client_.resolve_handle(*claimed);
  if (back.ok()) {
    if (*back == did) identity.handle = *claimed;
    return identity;
  }
  if (back.error().kind == FailureKind::not_found) return identity;
  return std::move(back).error();  // could not verify now: the caller retries later
}

}  // namespace roost::networks::bluesky
