#include "storage/api_token_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view token_columns =
    "id, user_id, org_id, name, prefix, created_at_ms, expires_at_ms, last_used_at_ms, "
    "revoked_at_ms";

ApiTokenRecord to_token(const Row& row) {
  return ApiTokenRecord{core::ApiTokenId{row.integer(0)},
                        core::UserId{row.integer(1)},
                        core::OrgId{row.integer(2)},
                        row.text(3),
                        row.text(4),
                        row.integer(5),
                        row.optional_integer(6),
                        row.optional_integer(7),
                        row.optional_integer(8)};
}

Value optional_value(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return *value;
}

// Locks the user's row for the rest of the transaction, so that two creations at once
// cannot both pass the count of active tokens.
core::Result<void> lock_user(Transaction& transaction, core::UserId user) {
  auto locked = transaction.execute("UPDATE users SET updated_at_ms = updated_at_ms WHERE id = $1",
                                    {user.value});
  if (!locked) return std::move(locked).error();
  if (*locked == 0) return core::make_error(core::ErrorCode::not_found, "no such user");
  return core::success();
}

core::Result<void> check_room(Transaction& transaction, core::UserId user, std::int64_t now_ms,
                              std::size_t active_max) {
  auto counted = transaction.query_one(
      "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at_ms IS NULL AND "
      "(expires_at_ms IS NULL OR expires_at_ms > $2)",
      {user.value, now_ms});
  if (!counted) return std::move(counted).error();
  if (counted->has_value() && (*counted)->integer(0) >= static_cast<std::int64_t>(active_max)) {
    return core::make_error(core::ErrorCode::conflict,
                            "you have as many API tokens as allowed; revoke one first");
  }
  return core::success();
}

}  // namespace

core::Result<ApiTokenRecord> ApiTokenRepository::create(const NewApiToken& token,
                                                        std::size_t active_max, AuditEvent audit) {
  ApiTokenRecord created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    if (auto locked = lock_user(transaction, token.user_id); !locked) return locked;
    if (auto room = check_room(transaction, token.user_id, token.created_at_ms, active_max);
        !room) {
      return room;
    }
    auto row = transaction.query_one(
        "INSERT INTO api_tokens (user_id, org_id, name, prefix, token_hash, created_at_ms, "
        "expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " +
            std::string(token_columns),
        {token.user_id.value, token.org_id.value, token.name, token.prefix, token.token_hash,
         token.created_at_ms, optional_value(token.expires_at_ms)});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::internal, "INSERT returned no row"));
    }
    created = to_token(**row);
    audit.org = created.org_id;
    if (audit.target.empty()) audit.target = "api_token:" + std::to_string(created.id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return created;
}

core::Result<std::optional<ApiTokenRecord>> ApiTokenRepository::find_by_token_hash(
    const std::string& token_hash) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(token_columns) + " FROM api_tokens WHERE token_hash = $1",
      {token_hash}, to_token);
}

core::Result<std::vector<ApiTokenRecord>> ApiTokenRepository::list_for_user(core::UserId user,
                                                                            std::size_t limit) {
  std::vector<ApiTokenRecord> tokens;
  auto done = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto rows = transaction.query("SELECT " + std::string(token_columns) +
                                      " FROM api_tokens WHERE user_id = $1 AND revoked_at_ms IS "
                                      "NULL ORDER BY created_at_ms DESC, id DESC LIMIT $2",
                                  {user.value, static_cast<std::int64_t>(limit)});
    if (!rows) return core::Result<void>(std::move(rows).error());
    for (const auto& row : rows->rows) tokens.push_back(to_token(row));
    return core::success();
  });
  if (!done) return std::move(done).error();
  return tokens;
}

core::Result<bool> ApiTokenRepository::revoke(core::UserId user, core::ApiTokenId id,
                                              std::int64_t now_ms, AuditEvent audit) {
  bool revoked = false;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "UPDATE api_tokens SET revoked_at_ms = $3 WHERE id = $1 AND user_id = $2 AND "
        "revoked_at_ms IS NULL RETURNING org_id",
        {id.value, user.value, now_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    if (!row->has_value()) return core::success();
    revoked = true;
    audit.org = core::OrgId{(*row)->integer(0)};
    if (audit.target.empty()) audit.target = "api_token:" + std::to_string(id.value);
    return append_audit_event(transaction, audit);
  });
  if (!done) return std::move(done).error();
  return revoked;
}

core::Result<void> ApiTokenRepository::touch(core::ApiTokenId id, std::int64_t now_ms) {
  auto changed = execute_statement(
      database_, "UPDATE api_tokens SET last_used_at_ms = $2 WHERE id = $1", {id.value, now_ms});
  if (!changed) return std::move(changed).error();
  return core::success();
}

}  // namespace roost::storage
