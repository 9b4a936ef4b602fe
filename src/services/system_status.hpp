#pragma once

#include <functional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace roost::services {

struct ReadinessCheck {
  std::string name;
  bool ok = false;
  std::string detail;
  // A part the API does not need (ingestion): when it fails, /readyz says "degraded" and
  // stays 200, so that a stalled relay does not take the instance out of its load balancer.
  bool required = true;
};

struct Readiness {
  bool ready = false;
  bool degraded = false;  // ready, but a check that is not required failed
  std::vector<ReadinessCheck> checks;
};

// What /readyz reports: the database answers and its schema is the one this binary
// expects, and the checks added (the publish dispatcher's heartbeat).
// Blocking: call through the blocking executor.
class SystemStatus {
 public:
  explicit SystemStatus(storage::Database& database) : database_(database) {}
  Readiness readiness();
  // A part that runs beside the API and reports on itself (the publish dispatcher's
  // heartbeat): asked at every readiness, after the database. Add before the server runs.
  void add_check(std::function<ReadinessCheck()> check) {
    extra_checks_.push_back(std::move(check));
  }

 private:
  storage::Database& database_;
  std::vector<std::function<ReadinessCheck()>> extra_checks_;
};

}  // namespace roost::services
