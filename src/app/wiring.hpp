#pragma once

#include "app/config.hpp"

namespace roost::app {

// With app/api_graph.hpp, the only place that names concrete classes: builds the object
// graph once and runs it.
// Each returns the process exit code; start-up errors are one line on stderr.
int run_serve(Config config);
int run_migrate(Config config, bool status_only);

}  // namespace roost::app
