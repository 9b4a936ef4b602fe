#include "api/http/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace roost::api::http {
namespace {

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    router_.add(
        Method::post, "/api/v1/things",
        [](Request request) -> Awaitable<Response> {
          co_return json_response(201, {{"got", request.json["name"]}});
        },
        RouteOptions{BodyKind::json});
    router_.add(Method::get, "/api/v1/things/{id}", [](Request request) -> Awaitable<Response> {
      co_return json_response(200, {{"id", std::string(*request.path_parameter("id"))}});
    });
    router_.add(Method::get, "/boom", [](Request) -> Awaitable<Response> {
      throw std::runtime_error("bug");
      co_return Response{};
    });
    metrics_ = std::make_unique<Metrics>(router_);
    pipeline_ = std::make_unique<Pipeline>(router_, *metrics_, false);
  }

  DispatchOutcome dispatch(Request request) {
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, pipeline_->dispatch(std::move(request), false),
                                        boost::asio::use_future);
    io.run();
    return future.get();
  }

  static Request make(Method method, std::string path, std::string body = {},
                      std::string content_type = "application/json") {
    Request request;
    request.method = method;
    request.path = std::move(path);
    request.body = std::move(body);
    request.headers.push_back({"content-type", std::move(content_type)});
    return request;
  }

  Router router_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Pipeline> pipeline_;
};

nlohmann::json body_of(const DispatchOutcome& outcome) {
  return nlohmann::json::parse(outcome.response.body);
}

TEST_F(PipelineTest, JsonRouteGetsTheParsedBody) {
  auto outcome = dispatch(make(Method::post, "/api/v1/things", R"({"name":"kite"})"));
  EXPECT_EQ(outcome.response.status, 201);
  EXPECT_EQ(body_of(outcome)["got"], "kite");
}

TEST_F(PipelineTest, PathParametersReachTheHandler) {
  auto outcome = dispatch(make(Method::get, "/api/v1/things/42"));
  EXPECT_EQ(body_of(outcome)["id"], "42");
}

TEST_F(PipelineTest, MalformedJsonIs400WithTheErrorBody) {
  auto outcome = dispatch(make(Method::post, "/api/v1/things", "{oops"));
  EXPECT_EQ(outcome.response.status, 400);
  EXPECT_EQ(body_of(outcome)["error"]["code"], "malformed_json");
}

TEST_F(PipelineTest, MissingBodyAndWrongContentType) {
  EXPECT_EQ(dispatch(make(Method::post, "/api/v1/things", "")).response.status, 400);
  auto outcome = dispatch(make(Method::post, "/api/v1/things", R"({"name":1})", "text/plain"));
  EXPECT_EQ(outcome.response.status, 415);
  EXPECT_EQ(body_of(outcome)["error"]["code"], "unsupported_media_type");
}

TEST_F(PipelineTest, NotFoundAndMethodNotAllowedWithAllow) {
  auto missing = dispatch(make(Method::get, "/nope"));
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(body_of(missing)["error"]["code"], "not_found");
  auto wrong = dispatch(make(Method::delete_, "/api/v1/things"));
  EXPECT_EQ(wrong.response.status, 405);
  ASSERT_EQ(wrong.response.headers.size(), 1u);
  EXPECT_EQ(wrong.response.headers[0].name, "allow");
  EXPECT_EQ(wrong.response.headers[0].value, "POST");
}

TEST_F(PipelineTest, AThrowingHandlerIs500) {
  auto outcome = dispatch(make(Method::get, "/boom"));
  EXPECT_EQ(outcome.response.status, 500);
  EXPECT_EQ(body_of(outcome)["error"]["code"], "internal");
}

TEST(RequestId, KeepsAPlainClientIdAndReplacesAHostileOne) {
  Request request;
  request.headers.push_back({"x-request-id", "abc-123"});
  EXPECT_EQ(choose_request_id(request), "abc-123");
  request.headers[0].value = "evil\r\nheader";
  auto chosen = choose_request_id(request);
  EXPECT_NE(chosen, "evil\r\nheader");
  EXPECT_FALSE(chosen.empty());
  Request other;
  EXPECT_NE(choose_request_id(other), choose_request_id(other));
}

TEST(LoggableTarget, HidesInvitationTokensAndKeepsIds) {
  EXPECT_EQ(loggable_target("/api/v1/invitations/AbC-123_xyz/accept"),
            "/api/v1/invitations/***/accept");
  EXPECT_EQ(loggable_target("/invitations/AbC-123_xyz"), "/invitations/***");
  EXPECT_EQ(loggable_target("/invitations/AbC?x=1"), "/invitations/***?x=1");
  EXPECT_EQ(loggable_target("/api/v1/orgs/4/invitations/17/link"),
            "/api/v1/orgs/4/invitations/17/link");
  EXPECT_EQ(loggable_target("/api/v1/me/invitations/17/accept"),
            "/api/v1/me/invitations/17/accept");
  EXPECT_EQ(loggable_target("/api/v1/orgs/4/invitations"), "/api/v1/orgs/4/invitations");
  EXPECT_EQ(loggable_target("/healthz"), "/healthz");
}

TEST(Pipeline, LoginRedirectCarriesTheWholeTargetAndTheLogHidesIt) {
  const auto response = login_redirect("/oauth/bluesky/callback?code=a b&state=s~1&iss=https://p");
  EXPECT_EQ(response.status, 302);
  const auto location = std::find_if(response.headers.begin(), response.headers.end(),
                                     [](const auto& header) { return header.name == "location"; });
  ASSERT_NE(location, response.headers.end());
  EXPECT_EQ(location->value,
            "/login?next=%2Foauth%2Fbluesky%2Fcallback%3Fcode%3Da%20b%26state%3Ds~1%26iss%3D"
            "https%3A%2F%2Fp");
  EXPECT_EQ(loggable_target(location->value), "/login?***");
  EXPECT_EQ(loggable_target("/signup?x=1&next=%2Foauth%2Fbluesky%2Fcallback%3Fcode%3Dc"),
            "/signup?***");
  EXPECT_EQ(loggable_target("/login?next=%2Forgs%2F3"), "/login?next=%2Forgs%2F3");
}

TEST(LoggableTarget, HidesAnOAuthCallbacksCodeAndState) {
  EXPECT_EQ(loggable_target("/oauth/bluesky/callback?code=cod-secret&state=st&iss=http%3A%2F%2Fx"),
            "/oauth/bluesky/callback?***");
  EXPECT_EQ(loggable_target("/oauth/client-metadata.json"), "/oauth/client-metadata.json");
}

}  // namespace
}  // namespace roost::api::http
