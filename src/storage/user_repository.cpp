#include "storage/user_repository.hpp"

#include "storage/repository_support.hpp"

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

}  // namespace

core::Result<UserRecord> UserRepository::create(const NewUser& user) {
  return query_required(
      database_,
      "INSERT INTO users (email, email_key, display_name, password_hash, created_at_ms, "
      "updated_at_ms) VALUES ($1, $2, $3, $4, $5, $5) RETURNING " +
          std::string(user_columns),
      {user.email, user.email_key, user.display_name, user.password_hash, user.created_at_ms},
      to_user);
}

core::Result<std::optional<UserRecord>> UserRepository::find_by_email_key(
    const std::string& email_key) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(user_columns) + " FROM users WHERE email_key = $1",
                        {email_key}, to_user);
}

core::Result<std::optional<UserRecord>> UserRepository::find(core::UserId id) {
  return query_optional(database_, TransactionMode::read_only,
                        "SELECT " + std::string(user_columns) + " FROM users WHERE id = $1",
                        {id.value}, to_user);
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
