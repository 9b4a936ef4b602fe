#include "storage/migrations.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>

#include "storage/embedded_migrations.hpp"

namespace roost::storage {

namespace {

constexpr std::string_view create_schema_migrations_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";
constexpr std::string_view applied_version_sql =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view record_migration_sql =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)";
constexpr std::string_view sqlite_has_schema_migrations_sql =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr std::string_view postgres_has_schema_migrations_sql =
    "SELECT COUNT(*) FROM pg_catalog.pg_tables "
    "WHERE schemaname = current_schema() AND tablename = 'schema_migrations'";

// Every roost process takes this PostgreSQL advisory lock (held until the transaction
// ends) before touching the schema, so two processes starting together migrate one after
// the other. The value is arbitrary but must never change: it spells "roostmig".
constexpr std::int64_t postgres_migration_lock_key = 0x726f6f73746d6967;
constexpr std::string_view postgres_migration_lock_sql = "SELECT pg_advisory_xact_lock($1::bigint)";

std::int64_t now_ms() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

int latest_version(Backend backend) {
  const auto migrations = migrations_for(backend);
  return migrations.empty() ? 0 : migrations.back().version;
}

// SQLite serializes writers already; PostgreSQL needs the advisory lock.
core::Result<void> lock_schema(Transaction& transaction) {
  if (transaction.backend() != Backend::postgres) return core::success();
  auto locked = transaction.query(postgres_migration_lock_sql, {postgres_migration_lock_key});
  if (!locked.ok()) return std::move(locked).error();
  return core::success();
}

core::Result<bool> has_schema_migrations(Transaction& transaction) {
  auto row = transaction.query_one(transaction.backend() == Backend::sqlite
                                       ? sqlite_has_schema_migrations_sql
                                       : postgres_has_schema_migrations_sql);
  if (!row.ok()) return std::move(row).error();
  return (*row)->integer(0) > 0;
}

core::Result<int> applied_version(Transaction& transaction) {
  auto row = transaction.query_one(applied_version_sql);
  if (!row.ok()) return std::move(row).error();
  return static_cast<int>((*row)->integer(0));
}

core::Result<int> checked_applied_version(Transaction& transaction) {
  auto applied = applied_version(transaction);
  if (!applied.ok()) return applied;
  const int latest = latest_version(transaction.backend());
  if (*applied > latest) {
    return core::make_error(
        core::ErrorCode::schema_too_new,
        fmt::format("the database is at schema version {} but this roost knows up to {}: "
                    "upgrade roost",
                    *applied, latest));
  }
  return applied;
}

// Creates schema_migrations if needed and returns the applied version.
core::Result<int> prepare_schema_migrations(Database& database) {
  int applied = 0;
  auto prepared = database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto locked = lock_schema(transaction);
    if (!locked.ok()) return locked;
    auto created = transaction.execute(create_schema_migrations_sql);
    if (!created.ok()) return core::Result<void>(std::move(created).error());
    auto version = checked_applied_version(transaction);
    if (!version.ok()) return core::Result<void>(std::move(version).error());
    applied = *version;
    return core::success();
  });
  if (!prepared.ok()) return std::move(prepared).error();
  return applied;
}

// Applies one migration unless another process did since we looked.
core::Result<void> apply_in_transaction(Transaction& transaction,
                                        const EmbeddedMigration& migration) {
  auto locked = lock_schema(transaction);
  if (!locked.ok()) return locked;
  auto applied = checked_applied_version(transaction);
  if (!applied.ok()) return std::move(applied).error();
  if (*applied >= migration.version) return core::success();
  auto changed = transaction.execute_script(migration.sql);
  if (!changed.ok()) return changed;
  auto recorded =
      transaction.execute(record_migration_sql,
                          {std::int64_t{migration.version}, std::string(migration.name), now_ms()});
  if (!recorded.ok()) return std::move(recorded).error();
  return core::success();
}

core::Result<void> apply(Database& database, const EmbeddedMigration& migration) {
  auto applied = database.transact(TransactionMode::read_write, [&](Transaction& transaction) {
    return apply_in_transaction(transaction, migration);
  });
  if (applied.ok()) return applied;
  core::Error error = std::move(applied).error();
  if (error.code != core::ErrorCode::schema_too_new) {
    error.message = fmt::format("migration {:04}_{} failed: {}", migration.version, migration.name,
                                error.message);
  }
  return error;
}

}  // namespace

std::span<const EmbeddedMigration> migrations_for(Backend backend) {
  return backend == Backend::sqlite ? sqlite_migrations() : postgres_migrations();
}

core::Result<MigrationStatus> migrate(Database& database) {
  auto applied = prepare_schema_migrations(database);
  if (!applied.ok()) return std::move(applied).error();
  for (const EmbeddedMigration& migration : migrations_for(database.backend())) {
    if (migration.version <= *applied) continue;
    auto result = apply(database, migration);
    if (!result.ok()) return std::move(result).error();
  }
  const int latest = latest_version(database.backend());
  return MigrationStatus{latest, latest};
}

core::Result<MigrationStatus> migration_status(Database& database) {
  MigrationStatus status;
  status.latest_version = latest_version(database.backend());
  auto read = database.transact(TransactionMode::read_only, [&](Transaction& transaction) {
    auto exists = has_schema_migrations(transaction);
    if (!exists.ok()) return core::Result<void>(std::move(exists).error());
    if (!*exists) return core::success();
    auto applied = applied_version(transaction);
    if (!applied.ok()) return core::Result<void>(std::move(applied).error());
    status.applied_version = *applied;
    return core::success();
  });
  if (!read.ok()) return std::move(read).error();
  return status;
}

}  // namespace roost::storage
