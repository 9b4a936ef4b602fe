#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/audit_log.hpp"

namespace roost::api::http {

// GET /api/v1/orgs/{org_id}/audit: the organization's audit log, newest first, filtered by
// actor, action and time; pages of JSON, or every matching row as CSV (?format=csv or
// Accept: text/csv).
class AuditHandlers {
 public:
  AuditHandlers(services::AuditLog& audit_log, BlockingExecutor& blocking)
      : audit_log_(audit_log), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);

  services::AuditLog& audit_log_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
