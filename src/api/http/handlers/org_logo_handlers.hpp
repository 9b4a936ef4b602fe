#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/org_logos.hpp"

namespace roost::api::http {

// An organization's logo: PUT the raw image (up to core::limits::org_logo_bytes_max, its
// type sniffed from the bytes), GET it back with an ETag, DELETE it.
class OrgLogoHandlers {
 public:
  OrgLogoHandlers(services::OrgLogos& logos, BlockingExecutor& blocking)
      : logos_(logos), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> put(Request request);
  Awaitable<Response> get(Request request);
  Awaitable<Response> remove(Request request);

  services::OrgLogos& logos_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
