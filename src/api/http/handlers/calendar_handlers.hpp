#pragma once

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"
#include "services/outbound_settings.hpp"
#include "services/post_calendar.hpp"

namespace roost::api::http {

// The post calendar of an organization, filtered by time range, profiles, team and states:
// GET /api/v1/orgs/{org_id}/posts a page of JSON at a time, .../posts/export.csv and
// .../posts/export.ics every matching post as one download (RFC 4180 CSV, RFC 5545
// iCalendar). `outbound` names this instance in the iCalendar events' UIDs.
class CalendarHandlers {
 public:
  CalendarHandlers(services::PostCalendar& calendar, const services::OutboundSettings& outbound,
                   BlockingExecutor& blocking)
      : calendar_(calendar), outbound_(outbound), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> list(Request request);
  Awaitable<Response> export_csv(Request request);
  Awaitable<Response> export_ics(Request request);
  enum class ExportFormat { csv, icalendar };
  Awaitable<Response> download(Request request, ExportFormat format);
  // A query with problems: 404 to a non-member (nothing about the organization, not even
  // that the query was wrong), else the 422 naming them.
  Awaitable<Response> problems_of_member(Request request, core::OrgId org, core::Error problems);

  services::PostCalendar& calendar_;
  const services::OutboundSettings& outbound_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
