#include "services/system_status.hpp"

#include <fmt/format.h>

#include "storage/migrations.hpp"

namespace roost::services {

Readiness SystemStatus::readiness() {
  Readiness readiness;
  auto ping = database_.ping();
  readiness.checks.push_back({"database", ping.ok(), ping.ok() ? "answers" : ping.error().message});
  if (ping.ok()) {
    auto status = storage::migration_status(database_);
    if (!status) {
      readiness.checks.push_back({"migrations", false, status.error().message});
    } else {
      readiness.checks.push_back({"migrations", status->up_to_date(),
                                  fmt::format("schema version {} of {}", status->applied_version,
                                              status->latest_version)});
    }
  }
  for (const auto& check : extra_checks_) readiness.checks.push_back(check());
  readiness.ready = true;
  for (const auto& check : readiness.checks) {
    if (check.required) {
      readiness.ready = readiness.ready && check.ok;
    } else {
      readiness.degraded = readiness.degraded || !check.ok;
    }
  }
  return readiness;
}

}  // namespace roost::services
