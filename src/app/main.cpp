#include <iostream>

#include "app/admin.hpp"
#include "app/config.hpp"
#include "app/wiring.hpp"

#ifndef ROOST_VERSION
#define ROOST_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  auto command_line = roost::app::parse_command_line(arguments, std::cout, std::cerr);
  if (command_line.exit_code >= 0) return command_line.exit_code;
  switch (command_line.command) {
    case roost::app::Command::version: std::cout << "roost " << ROOST_VERSION << "\n"; return 0;
    case roost::app::Command::migrate:
      return roost::app::run_migrate(command_line.config, command_line.status_only);
    case roost::app::Command::serve: return roost::app::run_serve(command_line.config);
    case roost::app::Command::admin_create_user:
    case roost::app::Command::admin_reset_password:
    case roost::app::Command::admin_set_plan:
      return roost::app::run_admin(command_line.command, command_line.admin, command_line.config,
                                   std::cin, std::cout, std::cerr);
  }
  return 1;
}
