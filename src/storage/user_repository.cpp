#include "storage/user_repository.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view user_columns =
    "id, email, display_name, password_hash, created_at_ms, updated_at_ms";

UserRecord to_user(const Row& row) {
  return UserRecord{core::UserId{row.integer(0)},
                    row.text(1),
                    row.text(2),
                    row.text(3),
                    row.integer(4),
                    row.integer(5)};
}

core::Result<std::optional<UserRecord>> find_one(Database& database, std::string sql,
                                                 std::vector<Value> params) {
  std::optional<UserRecord> found;
  auto done = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto row = transaction.query_one(sql, params);
    if (!row) return core::Result<void>(std::move(row).error());
    if (row->has_value()) found = to_user(**row);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return found;
}

}  // namespace

core::Result<UserRecord> UserRepository::create(const NewUser& user) {
  std::optional<UserRecord> created;
  auto done = database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto row = transaction.query_one(
        "INSERT INTO users (email, email_key, display_name, password_hash, created_at_ms, "
        "updated_at_ms) VALUES ($1, $2, $3, $4, $5, $5) RETURNING " +
            std::string(user_columns),
        {user.email, user.email_key, user.display_name, user.password_hash, user.created_at_ms});
    if (!row) return core::Result<void>(std::move(row).error());
    created = to_user(**row);
    return core::success();
  });
  if (!done) return std::move(done).error();
  return *created;
}

core::Result<std::optional<UserRecord>> UserRepository::find_by_email_key(
    const std::string& email_key) {
  return find_one(database_,
                  "SELECT " + std::string(user_columns) + " FROM users WHERE email_key = $1",
                  {email_key});
}

core::Result<std::optional<UserRecord>> UserRepository::find(core::UserId id) {
  return find_one(database_, "SELECT " + std::string(user_columns) + " FROM users WHERE id = $1",
                  {id.value});
}

core::Result<void> UserRepository::change_password(core::UserId id,
                                                   const std::string& password_hash,
                                                   std::int64_t now_ms, core::SessionId keep) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto updated =
        transaction.execute("UPDATE users SET password_hash = $2, updated_at_ms = $3 WHERE id = $1",
                            {id.value, password_hash, now_ms});
    if (!updated) return core::Result<void>(std::move(updated).error());
    if (*updated == 0)
      return core::Result<void>(core::make_error(core::ErrorCode::not_found, "no such user"));
    auto revoked = transaction.execute(
        "UPDATE sessions SET revoked_at_ms = $2 WHERE user_id = $1 AND id <> $3 AND "
        "revoked_at_ms IS NULL",
        {id.value, now_ms, keep.value});
    if (!revoked) return core::Result<void>(std::move(revoked).error());
    return core::success();
  });
}

}  // namespace roost::storage
