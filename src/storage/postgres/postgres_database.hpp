#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage::postgres {

// Opens a pool of up to `connections` connections to the PostgreSQL server `conninfo`
// (a libpq URL or key=value string) and checks that the server answers.
core::Result<std::unique_ptr<Database>> open_postgres_database(const std::string& conninfo,
                                                               int connections);

}  // namespace roost::storage::postgres
