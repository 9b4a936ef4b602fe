#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage::sqlite {

// Opens (creating it and its directory if needed) the SQLite database at `path`: one
// writer connection, on which read_write transactions take turns, and up to
// `reader_connections` read-only connections that read concurrently thanks to WAL.
core::Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path,
                                                             int reader_connections);

}  // namespace roost::storage::sqlite
