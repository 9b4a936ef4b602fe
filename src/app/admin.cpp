#include "app/admin.hpp"

#include <string>

#include <fmt/format.h>

#include "app/wiring.hpp"
#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/random.hpp"
#include "core/tokens.hpp"
#include "services/accounts.hpp"
#include "services/organizations.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::app {
namespace {

struct Password {
  std::string text;
  bool generated = false;
};

// The first line of standard input (without its line ending), or a generated password.
core::Result<Password> read_password(const AdminArguments& arguments, std::istream& in) {
  if (!arguments.password_stdin) {
    return Password{core::random_token(core::limits::admin_generated_password_bytes), true};
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "--password-stdin: standard input has no password on its first line");
  }
  return Password{std::move(line), false};
}

// One line per problem: the message, then each detail ("password: is too short").
int refused(const core::Error& error, std::ostream& err) {
  err << "roost admin: " << error.message << "\n";
  for (const auto& detail : error.details) {
    err << "  " << detail.field << ": " << detail.message << "\n";
  }
  return error.code == core::ErrorCode::unavailable || error.code == core::ErrorCode::database_error
             ? admin_exit_database
             : admin_exit_refused;
}

void print_password(const Password& password, std::ostream& out) {
  if (!password.generated) return;
  out << "password: " << password.text << "\n"
      << "(generated; shown only this once — give it to the user over a safe channel)\n";
}

int create_user(const AdminArguments& arguments, storage::Database& database, std::istream& in,
                std::ostream& out, std::ostream& err) {
  auto password = read_password(arguments, in);
  if (!password) return refused(password.error(), err);
  core::SystemClock clock;
  storage::UserRepository users(database);
  services::Accounts accounts(users, clock);
  auto created = accounts.sign_up({arguments.email, arguments.display_name, password->text});
  if (!created) return refused(created.error(), err);
  out << fmt::format("created user {} <{}> ({})\n", created->id.value, created->email,
                     created->display_name);
  print_password(*password, out);
  return admin_exit_done;
}

int reset_password(const AdminArguments& arguments, storage::Database& database, std::istream& in,
                   std::ostream& out, std::ostream& err) {
  auto password = read_password(arguments, in);
  if (!password) return refused(password.error(), err);
  core::SystemClock clock;
  storage::UserRepository users(database);
  services::Accounts accounts(users, clock);
  auto reset = accounts.reset_password(arguments.email, password->text);
  if (!reset) return refused(reset.error(), err);
  out << fmt::format("password of user {} <{}> reset; every session of theirs is revoked\n",
                     reset->id.value, reset->email);
  print_password(*password, out);
  return admin_exit_done;
}

int set_plan(const AdminArguments& arguments, storage::Database& database, std::ostream& out,
             std::ostream& err) {
  if (!arguments.profile_limit && !arguments.seat_limit) {
    err << "roost admin set-plan: give --profiles N, --seats N or both\n";
    return admin_exit_refused;
  }
  core::SystemClock clock;
  storage::OrganizationRepository organizations(database);
  services::Organizations service(organizations, clock);
  auto set = service.set_plan(arguments.organization,
                              storage::PlanChange{arguments.profile_limit, arguments.seat_limit});
  if (!set) return refused(set.error(), err);
  const auto& organization = set->organization;
  out << fmt::format("organization {} ({}): profile limit {}, seat limit {}, seats used {}\n",
                     organization.id.value, organization.name, organization.profile_limit,
                     organization.seat_limit, set->seats_used);
  if (set->seats_used > organization.seat_limit) {
    err << fmt::format(
        "warning: organization {} uses {} seats, more than its new seat limit of {}: nobody "
        "is removed, but nobody can join until it is back under the limit\n",
        organization.id.value, set->seats_used, organization.seat_limit);
  }
  return admin_exit_done;
}

}  // namespace

int run_admin(Command command, const AdminArguments& arguments, Config config, std::istream& in,
              std::ostream& out, std::ostream& err) {
  core::initialize_crypto();
  core::log::configure(log_format(config), core::log::Level::warn);
  if (auto finished = finish_config(config); !finished) {
    err << "roost: " << finished.error().message << "\n";
    return admin_exit_database;
  }
  auto database = open_configured_database(config, false);
  if (!database) {
    err << "roost: " << database.error().message << "\n";
    return admin_exit_database;
  }
  auto status = storage::migration_status(**database);
  if (!status) {
    err << "roost: " << status.error().message << "\n";
    return admin_exit_database;
  }
  if (!status->up_to_date()) {
    err << fmt::format(
        "roost: the database is at schema version {} of {}: run `roost migrate` first\n",
        status->applied_version, status->latest_version);
    return admin_exit_database;
  }
  switch (command) {
    case Command::admin_create_user: return create_user(arguments, **database, in, out, err);
    case Command::admin_reset_password: return reset_password(arguments, **database, in, out, err);
    case Command::admin_set_plan: return set_plan(arguments, **database, out, err);
    default: break;
  }
  return admin_exit_refused;
}

}  // namespace roost::app
