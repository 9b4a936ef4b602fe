#pragma once

#include <memory>

#include "app/config.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::app {

// With app/api_graph.hpp, the only place that names concrete classes: builds the object
// graph once and runs it.
// Each returns the process exit code; start-up errors are one line on stderr.
int run_serve(Config config);
int run_migrate(Config config, bool status_only);

// Opens the configured database; migrates it when `apply_migrations`, else only reads its
// schema version (logged).
core::Result<std::unique_ptr<storage::Database>> open_configured_database(const Config& config,
                                                                          bool apply_migrations);

}  // namespace roost::app
