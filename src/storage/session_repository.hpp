#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct NewSession {
  std::string public_id;
  std::string token_hash;  // never the token itself
  core::UserId user_id;
  std::string csrf_token;
  std::int64_t created_at_ms = 0;
  std::int64_t idle_expires_at_ms = 0;
  std::int64_t absolute_expires_at_ms = 0;
  std::string user_agent;
  std::string ip;
};

struct SessionRecord {
  core::SessionId id;
  std::string public_id;
  core::UserId user_id;
  std::string csrf_token;
  std::int64_t created_at_ms = 0;
  std::int64_t last_seen_at_ms = 0;
  std::int64_t idle_expires_at_ms = 0;
  std::int64_t absolute_expires_at_ms = 0;
  std::optional<std::int64_t> revoked_at_ms;
  std::string user_agent;
  std::string ip;

  bool active_at(std::int64_t now_ms) const {
    return !revoked_at_ms && now_ms < idle_expires_at_ms && now_ms < absolute_expires_at_ms;
  }
};

// Login sessions. Looked up by the hash of the cookie's token; listed and revoked per user.
class SessionRepository {
 public:
  explicit SessionRepository(Database& database) : database_(database) {}
  // A token hash or public id that exists already is ErrorCode::conflict.
  core::Result<SessionRecord> create(const NewSession& session);
  // Revoked and expired sessions are returned too: the caller decides (and tests see them).
  core::Result<std::optional<SessionRecord>> find_by_token_hash(const std::string& token_hash);
  core::Result<std::optional<SessionRecord>> find(core::SessionId id);
  // Records activity: last seen now, idle expiry pushed to idle_expires_at_ms.
  core::Result<void> touch(core::SessionId id, std::int64_t now_ms,
                           std::int64_t idle_expires_at_ms);
  // Revokes an active session; false when there was none to revoke.
  core::Result<bool> revoke(core::SessionId id, std::int64_t now_ms);
  // Revokes one of this user's active sessions by its public id; false when the user has
  // no such active session (someone else's is "none" too).
  core::Result<bool> revoke_of_user(core::UserId user_id, const std::string& public_id,
                                    std::int64_t now_ms);
  // The user's sessions still active at now_ms, newest first, at most `limit`.
  core::Result<std::vector<SessionRecord>> list_active(core::UserId user_id, std::int64_t now_ms,
                                                       std::size_t limit);

 private:
  Database& database_;
};

}  // namespace roost::storage
