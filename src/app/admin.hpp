#pragma once

#include <istream>
#include <ostream>

#include "app/config.hpp"

namespace roost::app {

// Exit codes of `roost admin` (documented in `roost admin --help`).
inline constexpr int admin_exit_done = 0;
inline constexpr int admin_exit_refused = 1;
inline constexpr int admin_exit_database = 3;

// Runs one `roost admin` subcommand: opens the database as `migrate --status` does,
// refuses one that is not migrated, and runs the use case through the same services the
// API uses (sign-up rules, audit events). Reads a password from `in` with
// --password-stdin; prints results on `out`, errors and warnings on `err`.
int run_admin(Command command, const AdminArguments& arguments, Config config, std::istream& in,
              std::ostream& out, std::ostream& err);

}  // namespace roost::app
