#include "storage/session_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view session_columns =
    "id, public_id, user_id, csrf_token, created_at_ms, last_seen_at_ms, idle_expires_at_ms, "
    "absolute_expires_at_ms, revoked_at_ms, user_agent, ip";

// "Active" in SQL, the same rule as SessionRecord::active_at; $2 is now.
constexpr std::string_view active_at_now =
    "revoked_at_ms IS NULL AND idle_expires_at_ms > $2 AND absolute_expires_at_ms > $2";

SessionRecord to_session(const Row& row) {
  return SessionRecord{core::SessionId{row.integer(0)},
                       row.text(1),
                       core::UserId{row.integer(2)},
                       row.text(3),
                       row.integer(4),
                       row.integer(5),
                       row.integer(6),
                       row.integer(7),
                       row.optional_integer(8),
                       row.text(9),
                       row.text(10)};
}

}  // namespace

core::Result<SessionRecord> SessionRepository::create(const NewSession& session) {
  return query_required(
      database_,
      "INSERT INTO sessions (public_id, token_hash, user_id, csrf_token, created_at_ms, "
      "last_seen_at_ms, idle_expires_at_ms, absolute_expires_at_ms, user_agent, ip) "
      "VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING " +
          std::string(session_columns),
      {session.public_id, session.token_hash, session.user_id.value, session.csrf_token,
       session.created_at_ms, session.idle_expires_at_ms, session.absolute_expires_at_ms,
       session.user_agent, session.ip},
      to_session);
}

core::Result<std::optional<SessionRecord>> SessionRepository::find_by_token_hash(
    const std::string& token_hash) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(session_columns) + " FROM sessions WHERE token_hash = $1",
      {token_hash}, to_session);
}

core::Result<std::optional<SessionRecord>> SessionRepository::find(core::SessionId id) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(session_columns) + " FROM sessions WHERE id = $1",
                        {id.value}, to_session);
}

core::Result<void> SessionRepository::touch(core::SessionId id, std::int64_t now_ms,
                                            std::int64_t idle_expires_at_ms) {
  auto changed =
      execute_statement(database_,
                        "UPDATE sessions SET last_seen_at_ms = $2, idle_expires_at_ms = $3 "
                        "WHERE id = $1 AND revoked_at_ms IS NULL",
                        {id.value, now_ms, idle_expires_at_ms});
  if (!changed) return std::move(changed).error();
  return core::success();
}

core::Result<bool> SessionRepository::revoke(core::SessionId id, std::int64_t now_ms) {
  auto changed = execute_statement(
      database_, "UPDATE sessions SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL",
      {id.value, now_ms});
  if (!changed) return std::move(changed).error();
  return *changed > 0;
}

core::Result<bool> SessionRepository::revoke_of_user(core::UserId user_id,
                                                     const std::string& public_id,
                                                     std::int64_t now_ms) {
  auto changed = execute_statement(database_,
                                   "UPDATE sessions SET revoked_at_ms = $2 WHERE user_id = $1 AND "
                                   "public_id = $3 AND " +
                                       std::string(active_at_now),
                                   {user_id.value, now_ms, public_id});
  if (!changed) return std::move(changed).error();
  return *changed > 0;
}

core::Result<std::vector<SessionRecord>> SessionRepository::list_active(core::UserId user_id,
                                                                        std::int64_t now_ms,
                                                                        std::size_t limit) {
  std::vector<SessionRecord> sessions;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query(
        "SELECT " + std::string(session_columns) + " FROM sessions WHERE user_id = $1 AND " +
            std::string(active_at_now) + " ORDER BY created_at_ms DESC, id DESC LIMIT $3",
        {user_id.value, now_ms, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) sessions.push_back(to_session(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return sessions;
}

}  // namespace roost::storage
