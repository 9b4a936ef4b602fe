#pragma once

#include <string>
#include <vector>

#include "storage/database.hpp"

namespace roost::services {

struct ReadinessCheck {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct Readiness {
  bool ready = false;
  std::vector<ReadinessCheck> checks;
};

// What /readyz reports: the database answers and its schema is the one this binary
// expects. (The scheduler and ingestion heartbeats join here when they exist.)
// Blocking: call through the blocking executor.
class SystemStatus {
 public:
  explicit SystemStatus(storage::Database& database) : database_(database) {}
  Readiness readiness();

 private:
  storage::Database& database_;
};

}  // namespace roost::services
