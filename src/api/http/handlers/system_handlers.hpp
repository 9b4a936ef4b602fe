#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/metrics.hpp"
#include "api/http/router.hpp"
#include "services/system_status.hpp"

namespace roost::api::http {

// GET /healthz (alive), GET /readyz (database and schema), GET /metrics (Prometheus).
class SystemHandlers {
 public:
  SystemHandlers(services::SystemStatus& status, BlockingExecutor& blocking)
      : status_(status), blocking_(blocking) {}

  void register_routes(Router& router);
  // Metrics are made after the router is complete (they size themselves from its routes).
  void set_metrics(const Metrics* metrics) { metrics_ = metrics; }

 private:
  Awaitable<Response> healthz(Request request);
  Awaitable<Response> readyz(Request request);
  Awaitable<Response> metrics(Request request);

  services::SystemStatus& status_;
  BlockingExecutor& blocking_;
  const Metrics* metrics_ = nullptr;
};

}  // namespace roost::api::http
