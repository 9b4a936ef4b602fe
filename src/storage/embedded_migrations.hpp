#pragma once

#include <span>
#include <string_view>

#include "storage/database.hpp"

namespace roost::storage {

// One schema change, from src/storage/<backend>/migrations/NNNN_name.sql, compiled into
// the binary (see embed_migrations.cmake) so a roost binary carries its own schema.
struct EmbeddedMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Sorted by version. Both backends list the same versions and names.
std::span<const EmbeddedMigration> sqlite_migrations();
std::span<const EmbeddedMigration> postgres_migrations();

std::span<const EmbeddedMigration> migrations_for(Backend backend);

}  // namespace roost::storage
