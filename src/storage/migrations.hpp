#pragma once

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

struct MigrationStatus {
  int applied_version = 0;  // highest version recorded in schema_migrations (0: none)
  int latest_version = 0;   // highest version this binary knows
  bool up_to_date() const { return applied_version == latest_version; }
};

// Applies every pending migration of the database's backend, each in its own
// transaction, recording it in schema_migrations(version, name, applied_at_ms).
// A database whose applied version is newer than this binary knows is refused with
// ErrorCode::schema_too_new, and nothing is changed.
core::Result<MigrationStatus> migrate(Database& database);

// Reads the status without changing anything (for /readyz and `roost migrate --status`).
core::Result<MigrationStatus> migration_status(Database& database);

}  // namespace roost::storage
