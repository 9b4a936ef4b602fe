#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/org_access.hpp"
#include "storage/api_token_repository.hpp"
#include "storage/organization_repository.hpp"

namespace roost::services {

struct NewApiTokenRequest {
  std::string name;
  core::OrgId org;
  std::optional<std::int64_t> expires_in_days;  // empty: until revoked
};

// A token as its owner sees it: never the secret, never its hash.
struct ApiTokenView {
  core::ApiTokenId id;
  std::string name;
  std::string prefix;
  core::OrgId org;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> expires_at_ms;
  std::optional<std::int64_t> last_used_at_ms;
  bool expired = false;
};

struct CreatedApiToken {
  std::string token;  // shown once: only its hash is kept
  ApiTokenView view;
};

struct AuthenticatedApiToken {
  core::UserId user;
  core::ApiTokenId token;
  core::OrgId org;
};

// Personal API tokens: made and revoked by their owner from a login session, each usable
// in one organization of which the owner is a member. Blocking (the database): call
// through the blocking executor.
class ApiTokens {
 public:
  ApiTokens(storage::ApiTokenRepository& tokens, storage::OrganizationRepository& organizations,
            const core::Clock& clock)
      : tokens_(tokens), organizations_(organizations), clock_(clock) {}

  // An organization the caller is not a member of is ErrorCode::not_found, as everywhere.
  core::Result<CreatedApiToken> create(const Caller& caller, const NewApiTokenRequest& request);
  core::Result<std::vector<ApiTokenView>> list(const Caller& caller);
  // Another user's token, or one already revoked, is ErrorCode::not_found.
  core::Result<void> revoke(const Caller& caller, core::ApiTokenId id);
  // The token of a Bearer header: ErrorCode::unauthenticated when it is unknown, revoked,
  // expired, or its owner is no longer a member of its organization.
  core::Result<AuthenticatedApiToken> authenticate(std::string_view token);

 private:
  storage::ApiTokenRepository& tokens_;
  storage::OrganizationRepository& organizations_;
  const core::Clock& clock_;
};

}  // namespace roost::services
