#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct NewApiToken {
  core::UserId user_id;
  core::OrgId org_id;
  std::string name;
  std::string prefix;      // the token's first characters, not secret
  std::string token_hash;  // never the token itself
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> expires_at_ms;  // empty: until revoked
};

struct ApiTokenRecord {
  core::ApiTokenId id;
  core::UserId user_id;
  core::OrgId org_id;
  std::string name;
  std::string prefix;
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> expires_at_ms;
  std::optional<std::int64_t> last_used_at_ms;
  std::optional<std::int64_t> revoked_at_ms;

  bool active_at(std::int64_t now_ms) const {
    return !revoked_at_ms && (!expires_at_ms || now_ms < *expires_at_ms);
  }
};

// Personal API tokens: looked up by the hash of the Bearer token, listed and revoked by
// their owner. Creating and revoking one changes what can act in its organization, so both
// append an audit event of that organization in the same transaction.
class ApiTokenRepository {
 public:
  explicit ApiTokenRepository(Database& database) : database_(database) {}
  // ErrorCode::conflict when the user already has `active_max` tokens not revoked nor
  // expired at created_at_ms (checked under a lock of the user's row) or the hash exists.
  core::Result<ApiTokenRecord> create(const NewApiToken& token, std::size_t active_max,
                                      AuditEvent audit);
  // Revoked and expired tokens are returned too: the caller decides.
  core::Result<std::optional<ApiTokenRecord>> find_by_token_hash(const std::string& token_hash);
  // The user's tokens that are not revoked, newest first, at most `limit` (expired ones
  // included: their owner sees that they expired).
  core::Result<std::vector<ApiTokenRecord>> list_for_user(core::UserId user, std::size_t limit);
  // Revokes one of the user's tokens not yet revoked; false when there is none (another
  // user's token is "none" too). The audit event goes to the token's organization.
  core::Result<bool> revoke(core::UserId user, core::ApiTokenId id, std::int64_t now_ms,
                            AuditEvent audit);
  // Records a use of the token.
  core::Result<void> touch(core::ApiTokenId id, std::int64_t now_ms);

 private:
  Database& database_;
};

}  // namespace roost::storage
