#include "storage/instance_settings_repository.hpp"

#include <chrono>

namespace roost::storage {

namespace {

constexpr std::string_view select_setting_sql =
    "SELECT value FROM instance_settings WHERE key = $1";
// `excluded` is the row the INSERT proposed; the syntax is the same on both backends.
constexpr std::string_view upsert_setting_sql =
    "INSERT INTO instance_settings (key, value, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at_ms = "
    "excluded.updated_at_ms";

std::int64_t now_ms() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

}  // namespace

core::Result<std::optional<std::string>> InstanceSettingsRepository::get(const std::string& key) {
  std::optional<std::string> value;
  auto read = database_.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto row = transaction.query_one(select_setting_sql, {key});
    if (!row.ok()) return core::Result<void>(std::move(row).error());
    if (*row) value = (*row)->text(0);
    return core::success();
  });
  if (!read.ok()) return std::move(read).error();
  return value;
}

core::Result<void> InstanceSettingsRepository::put(const std::string& key,
                                                   const std::string& value) {
  return database_.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto written = transaction.execute(upsert_setting_sql, {key, value, now_ms()});
    if (!written.ok()) return core::Result<void>(std::move(written).error());
    return core::success();
  });
}

}  // namespace roost::storage
