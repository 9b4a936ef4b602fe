#include "api/http/metrics.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

TEST(Metrics, CountsByRouteAndStatusWithHistogram) {
  Router router;
  router.add(Method::get, "/healthz", nullptr);
  Metrics metrics(router);
  metrics.request_started();
  metrics.request_finished(1, 200, std::chrono::microseconds(300));
  metrics.request_started();
  metrics.request_finished(1, 200, std::chrono::milliseconds(20));
  metrics.request_started();
  metrics.request_finished(0, 404, std::chrono::microseconds(100));
  metrics.add_collector([](std::string& out) { out += "roost_test_gauge 7\n"; });
  auto text = metrics.render();
  EXPECT_NE(text.find(R"(roost_http_requests_total{route="/healthz",method="GET",status="200"} 2)"),
            std::string::npos);
  EXPECT_NE(
      text.find(R"(roost_http_requests_total{route="unmatched",method="any",status="404"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(roost_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.0005"} 1)"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          R"(roost_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.025"} 2)"),
      std::string::npos);
  EXPECT_NE(
      text.find(R"(roost_http_request_duration_seconds_count{route="/healthz",method="GET"} 2)"),
      std::string::npos);
  EXPECT_NE(text.find("roost_http_requests_in_flight 0"), std::string::npos);
  EXPECT_NE(text.find("roost_test_gauge 7"), std::string::npos);
}

}  // namespace
}  // namespace roost::api::http
