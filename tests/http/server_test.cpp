// Scenario tests of the real `roost serve` binary: what a client on the wire sees.
#include <signal.h>

#include <thread>

#include <gtest/gtest.h>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;

void expect_error_body(const HttpResponse& response, int status, const std::string& code) {
  EXPECT_EQ(response.status, status) << response.body;
  auto body = response.json();
  ASSERT_TRUE(body.contains("error")) << response.body;
  EXPECT_EQ(body["error"]["code"], code) << response.body;
  EXPECT_TRUE(body["error"]["message"].is_string());
  EXPECT_TRUE(body["error"]["details"].is_array());
}

TEST(Health, HealthzAndReadyzAnswer) {
  RoostServer server;
  auto health = http_request(server.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  EXPECT_EQ(health.header("content-type"), "application/json");
  auto ready = http_request(server.port(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["status"], "ready");
  EXPECT_TRUE(ready.json()["checks"]["database"]["ok"]);
  EXPECT_TRUE(ready.json()["checks"]["migrations"]["ok"]);
  // serve runs the publish dispatcher; its heartbeat is part of readiness.
  EXPECT_TRUE(ready.json()["checks"]["publish_dispatcher"]["ok"]) << ready.body;
}

TEST(Health, HeadHasHeadersButNoBody) {
  RoostServer server;
  RawClient client(server.port());
  client.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = client.read_response(5s, true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "15");
  // The next response on the same connection parses cleanly: no stray body bytes.
  auto get = client.read_response();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->json()["status"], "ok");
}

TEST(Routing, UnknownPathIs404AndWrongMethodIs405) {
  RoostServer server;
  expect_error_body(http_request(server.port(), "GET", "/api/v1/nothing-here"), 404, "not_found");
  auto wrong = http_request(server.port(), "DELETE", "/healthz");
  expect_error_body(wrong, 405, "method_not_allowed");
  EXPECT_EQ(wrong.header("allow"), "GET, HEAD");
}

TEST(Requests, KeepAliveServesSeveralRequestsOnOneConnection) {
  RoostServer server;
  RawClient client(server.port());
  for (int index = 0; index < 3; ++index) {
    client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = client.read_response();
    ASSERT_TRUE(response) << "request " << index;
    EXPECT_EQ(response->status, 200);
  }
}

TEST(Requests, RequestIdIsEchoedOrMade) {
  RoostServer server;
  auto echoed = http_request(server.port(), "GET", "/healthz", {}, {{"X-Request-Id", "trace-42"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-42");
  auto made = http_request(server.port(), "GET", "/healthz");
  EXPECT_FALSE(made.header("x-request-id").empty());
  auto log = server.wait_for_log("request_id=trace-42");
  EXPECT_NE(log.find("request_id=trace-42"), std::string::npos) << log;
}

TEST(Requests, OversizeBodyIs413) {
  RoostServer server({"--max-body-bytes", "1024"});
  RawClient client(server.port());
  client.send(
      "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 5000\r\n\r\n" +
      std::string(5000, 'a'));
  auto response = client.read_response();
  ASSERT_TRUE(response);
  expect_error_body(*response, 413, "payload_too_large");
  EXPECT_TRUE(client.closed_by_server());
}

TEST(Requests, OversizeChunkedBodyIs413) {
  RoostServer server({"--max-body-bytes", "1024"});
  RawClient client(server.port());
  std::string chunk(800, 'b');
  client.send(
      "POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "320\r\n" +
      chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  expect_error_body(*response, 413, "payload_too_large");
}

TEST(Requests, OversizeHeadersAre431) {
  RoostServer server;
  RawClient client(server.port());
  client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  expect_error_body(*response, 431, "headers_too_large");
}

TEST(Requests, MalformedHttpIs400) {
  RoostServer server;
  for (const std::string bad : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
                                "GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
                                "POST /x HTTP/1.1\r\nContent-Length: -4\r\n\r\n"}) {
    RawClient client(server.port());
    client.send(bad);
    auto response = client.read_response();
    ASSERT_TRUE(response) << bad;
    expect_error_body(*response, 400, "malformed_http");
  }
  // The server is still fine afterwards.
  EXPECT_EQ(http_request(server.port(), "GET", "/healthz").status, 200);
}

TEST(Timeouts, SlowHeadersGet408) {
  RoostServer server({"--header-timeout-ms", "300"});
  RawClient client(server.port());
  client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  auto started = std::chrono::steady_clock::now();
  auto response = client.read_response(5s);
  ASSERT_TRUE(response);
  expect_error_body(*response, 408, "request_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_TRUE(client.closed_by_server());
}

TEST(Timeouts, SlowBodyGets408) {
  RoostServer server({"--body-timeout-ms", "300"});
  RawClient client(server.port());
  client.send("POST /api/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
  auto response = client.read_response(5s);
  ASSERT_TRUE(response);
  expect_error_body(*response, 408, "request_timeout");
}

TEST(Timeouts, SilentConnectionIsClosedWithoutAResponse) {
  RoostServer server({"--header-timeout-ms", "300"});
  RawClient client(server.port());
  EXPECT_TRUE(client.closed_by_server(5s));
}

TEST(Shutdown, RequestInFlightAtSigtermCompletes) {
  RoostServer server;
  RawClient in_flight(server.port());
  in_flight.send("POST /api/v1/in-flight HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf-");
  RawClient idle(server.port());
  std::this_thread::sleep_for(200ms);  // both connections are accepted and being read
  server.signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(can_connect(server.port())) << "new connections must be refused";
  EXPECT_TRUE(idle.closed_by_server()) << "an idle connection is closed";
  in_flight.send("body!");
  auto response = in_flight.read_response();
  ASSERT_TRUE(response) << "the request in flight must get its answer";
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->header("connection"), "close");
  auto exit_code = server.wait(10s);
  ASSERT_TRUE(exit_code.has_value()) << "roost did not exit after SIGTERM";
  EXPECT_EQ(*exit_code, 0);
  // Buffered log lines are written at exit, up to the last one (ADR 0008).
  auto log = server.log();
  EXPECT_NE(log.find("target=/api/v1/in-flight"), std::string::npos) << log;
  EXPECT_NE(log.find("shutdown_finished"), std::string::npos) << log;
}

TEST(Metrics, PrometheusTextCountsRequests) {
  RoostServer server;
  http_request(server.port(), "GET", "/healthz");
  http_request(server.port(), "GET", "/nope");
  auto metrics = http_request(server.port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find(
                R"(roost_http_requests_total{route="/healthz",method="GET",status="200"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(status="404"} 1)"), std::string::npos);
  EXPECT_NE(metrics.body.find("roost_http_request_duration_seconds_bucket{route=\"/healthz\""),
            std::string::npos);
  EXPECT_NE(metrics.body.find("roost_http_requests_in_flight 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("roost_db_connections{backend=\"sqlite\",state=\"open\"}"),
            std::string::npos);
}

TEST(Logs, TheAccessLogHidesInvitationTokens) {
  RoostServer server;
  http_request(server.port(), "GET", "/api/v1/invitations/SeCrEt-Token_42");
  http_request(server.port(), "POST", "/api/v1/invitations/SeCrEt-Token_42/accept");
  auto log = server.wait_for_log("/api/v1/invitations/***/accept");
  EXPECT_NE(log.find("/api/v1/invitations/***/accept"), std::string::npos) << log;
  EXPECT_EQ(log.find("SeCrEt-Token_42"), std::string::npos) << log;
}

TEST(Logs, JsonAccessLogLinesParse) {
  RoostServer server({"--log-format", "json"});
  http_request(server.port(), "GET", "/healthz", {}, {{"X-Request-Id", "json-log-1"}});
  bool found = false;
  std::istringstream lines(server.wait_for_log("json-log-1"));
  for (std::string line; std::getline(lines, line);) {
    auto entry = nlohmann::json::parse(line);  // every line is JSON
    if (entry["event"] == "http_request" && entry["request_id"] == "json-log-1") {
      found = true;
      EXPECT_EQ(entry["status"], 200);
      EXPECT_EQ(entry["target"], "/healthz");
      EXPECT_TRUE(entry.contains("duration_us"));
    }
  }
  EXPECT_TRUE(found) << server.log();
}

}  // namespace
}  // namespace roost::testing
