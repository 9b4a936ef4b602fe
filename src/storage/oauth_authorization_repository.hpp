#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// An OAuth authorization in flight (ADR 0031): who started it, for which organization (and
// which profile, when reconnecting), and its secrets sealed by services/.
struct OAuthAuthorizationRecord {
  std::string state;
  core::OrgId org;
  core::UserId user;
  std::optional<core::ProfileId> profile;  // the profile being reconnected
  std::string sealed;
  std::string sealed_key_id;
  std::int64_t created_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

// Pending OAuth authorizations: single use, by their state.
class OAuthAuthorizationRepository {
 public:
  explicit OAuthAuthorizationRepository(Database& database) : database_(database) {}
  // ErrorCode::conflict when the state is taken (a state is 192 random bits: never).
  // Expired rows are purged in the same transaction.
  core::Result<void> create(const OAuthAuthorizationRecord& record);
  // Deletes and returns the authorization of `state`, expired or not (the caller tells the
  // two apart): of two callbacks with the same state, one gets it, the other nullopt.
  core::Result<std::optional<OAuthAuthorizationRecord>> take(const std::string& state);
  // Deletes the authorizations expired at `now_ms`; how many.
  core::Result<std::int64_t> purge_expired(std::int64_t now_ms);

 private:
  Database& database_;
};

}  // namespace roost::storage
