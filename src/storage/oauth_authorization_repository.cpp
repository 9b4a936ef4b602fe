#include "storage/oauth_authorization_repository.hpp"

#include "storage/repository_support.hpp"

namespace roost::storage {
namespace {

OAuthAuthorizationRecord to_authorization(const Row& row) {
  const auto& bytes = row.blob(4).bytes;
  std::optional<core::ProfileId> profile;
  if (auto id = row.optional_integer(3)) profile = core::ProfileId{*id};
  return OAuthAuthorizationRecord{row.text(0),
                                  core::OrgId{row.integer(1)},
                                  core::UserId{row.integer(2)},
                                  profile,
                                  std::string(bytes.begin(), bytes.end()),
                                  row.text(5),
                                  row.integer(6),
                                  row.integer(7)};
}

}  // namespace

core::Result<void> OAuthAuthorizationRepository::create(const OAuthAuthorizationRecord& record) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto purged = transaction.execute("DELETE FROM oauth_authorizations WHERE expires_at_ms <= $1",
                                      {record.created_at_ms});
    if (!purged) return core::Result<void>(std::move(purged).error());
    auto taken = transaction.query_one("SELECT 1 FROM oauth_authorizations WHERE state = $1",
                                       {record.state});
    if (!taken) return core::Result<void>(std::move(taken).error());
    if (taken->has_value()) {
      return core::Result<void>(
          core::make_error(core::ErrorCode::conflict, "this OAuth state is already in use"));
    }
    Value profile = nullptr;
    if (record.profile) profile = record.profile->value;
    auto inserted = transaction.execute(
        "INSERT INTO oauth_authorizations (state, org_id, user_id, profile_id, sealed, "
        "sealed_key_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {record.state, record.org.value, record.user.value, profile,
         Blob{std::vector<std::uint8_t>(record.sealed.begin(), record.sealed.end())},
         record.sealed_key_id, record.created_at_ms, record.expires_at_ms});
    if (!inserted) return core::Result<void>(std::move(inserted).error());
    return core::success();
  });
}

core::Result<std::optional<OAuthAuthorizationRecord>> OAuthAuthorizationRepository::take(
    const std::string& state) {
  // DELETE ... RETURNING: one statement, so two callbacks cannot both get the row.
  return query_optional(database_, TransactionMode::read_write,
                        "DELETE FROM oauth_authorizations WHERE state = $1 RETURNING state, "
                        "org_id, user_id, profile_id, sealed, sealed_key_id, created_at_ms, "
                        "expires_at_ms",
                        {state}, to_authorization);
}

core::Result<std::int64_t> OAuthAuthorizationRepository::purge_expired(std::int64_t now_ms) {
  return execute_statement(database_, "DELETE FROM oauth_authorizations WHERE expires_at_ms <= $1",
                           {now_ms});
}

}  // namespace roost::storage
