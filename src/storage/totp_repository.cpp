#include "storage/totp_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

constexpr std::string_view totp_columns =
    "user_id, sealed_secret, created_at_ms, enabled_at_ms, last_used_step";

TotpRecord to_totp(const Row& row) {
  return TotpRecord{core::UserId{row.integer(0)}, row.text(1), row.integer(2),
                    row.optional_integer(3), row.integer(4)};
}

core::Result<void> insert_codes(Transaction& transaction, core::UserId user,
                                const std::vector<std::string>& code_hashes) {
  auto deleted =
      transaction.execute("DELETE FROM totp_recovery_codes WHERE user_id = $1", {user.value});
  if (!deleted) return std::move(deleted).error();
  for (const auto& hash : code_hashes) {
    auto inserted = transaction.execute(
        "INSERT INTO totp_recovery_codes (user_id, code_hash) VALUES ($1, $2)", {user.value, hash});
    if (!inserted) return std::move(inserted).error();
  }
  return core::success();
}

core::Result<void> revoke_other_sessions(Transaction& transaction, core::UserId user,
                                         std::int64_t now_ms, core::SessionId keep) {
  auto revoked = transaction.execute(
      "UPDATE sessions SET revoked_at_ms = $2 WHERE user_id = $1 AND id <> $3 AND "
      "revoked_at_ms IS NULL",
      {user.value, now_ms, keep.value});
  if (!revoked) return std::move(revoked).error();
  return core::success();
}

}  // namespace

core::Result<std::optional<TotpRecord>> TotpRepository::find(core::UserId user) {
  return query_optional(
      database_, TransactionMode::read_only,
      "SELECT " + std::string(totp_columns) + " FROM user_totp WHERE user_id = $1", {user.value},
      to_totp);
}

core::Result<void> TotpRepository::start_enrollment(core::UserId user,
                                                    const std::string& sealed_secret,
                                                    std::int64_t now_ms) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto deleted = transaction.execute(
        "DELETE FROM user_totp WHERE user_id = $1 AND enabled_at_ms IS NULL", {user.value});
    if (!deleted) return core::Result<void>(std::move(deleted).error());
    auto enabled =
        transaction.query_one("SELECT 1 FROM user_totp WHERE user_id = $1", {user.value});
    if (!enabled) return core::Result<void>(std::move(enabled).error());
    if (enabled->has_value()) {
      return core::Result<void>(core::make_error(
          core::ErrorCode::conflict, "two-factor authentication is already on; turn it off first"));
    }
    auto inserted = transaction.execute(
        "INSERT INTO user_totp (user_id, sealed_secret, created_at_ms, last_used_step) "
        "VALUES ($1, $2, $3, 0)",
        {user.value, sealed_secret, now_ms});
    if (!inserted) return core::Result<void>(std::move(inserted).error());
    return core::success();
  });
}

core::Result<void> TotpRepository::enable(core::UserId user, std::int64_t step,
                                          const std::vector<std::string>& recovery_code_hashes,
                                          std::int64_t now_ms, core::SessionId keep) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto updated = transaction.execute(
        "UPDATE user_totp SET enabled_at_ms = $2, last_used_step = $3 WHERE user_id = $1 AND "
        "enabled_at_ms IS NULL",
        {user.value, now_ms, step});
    if (!updated) return core::Result<void>(std::move(updated).error());
    if (*updated == 0) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::conflict,
                           "no two-factor enrollment to confirm: start one with POST "
                           "/api/v1/me/totp"));
    }
    if (auto codes = insert_codes(transaction, user, recovery_code_hashes); !codes) return codes;
    return revoke_other_sessions(transaction, user, now_ms, keep);
  });
}

core::Result<bool> TotpRepository::use_step(core::UserId user, std::int64_t step) {
  auto changed = execute_statement(
      database_,
      "UPDATE user_totp SET last_used_step = $2 WHERE user_id = $1 AND last_used_step < $2 AND "
      "enabled_at_ms IS NOT NULL",
      {user.value, step});
  if (!changed) return std::move(changed).error();
  return *changed > 0;
}

core::Result<bool> TotpRepository::use_recovery_code(core::UserId user,
                                                     const std::string& code_hash,
                                                     std::int64_t now_ms) {
  auto changed = execute_statement(
      database_,
      "UPDATE totp_recovery_codes SET used_at_ms = $3 WHERE user_id = $1 AND code_hash = $2 AND "
      "used_at_ms IS NULL",
      {user.value, code_hash, now_ms});
  if (!changed) return std::move(changed).error();
  return *changed > 0;
}

core::Result<void> TotpRepository::replace_recovery_codes(
    core::UserId user, const std::vector<std::string>& code_hashes) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    return insert_codes(transaction, user, code_hashes);
  });
}

core::Result<std::int64_t> TotpRepository::unused_recovery_codes(core::UserId user) {
  auto counted = query_optional(
      database_, TransactionMode::read_only,
      "SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = $1 AND used_at_ms IS NULL",
      {user.value}, [](const Row& row) { return row.integer(0); });
  if (!counted) return std::move(counted).error();
  return counted->value_or(0);
}

core::Result<void> TotpRepository::disable(core::UserId user, std::int64_t now_ms,
                                           core::SessionId keep) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto deleted = transaction.execute("DELETE FROM user_totp WHERE user_id = $1", {user.value});
    if (!deleted) return core::Result<void>(std::move(deleted).error());
    if (auto codes = insert_codes(transaction, user, {}); !codes) return codes;
    return revoke_other_sessions(transaction, user, now_ms, keep);
  });
}

}  // namespace roost::storage
