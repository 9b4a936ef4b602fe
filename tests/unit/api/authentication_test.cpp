// The pipeline's authentication: cookie -> Actor before the body is parsed, 401 without a
// valid session, CSRF on state-changing cookie requests, and the trusted-proxy headers.
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>

#include "api/http/pipeline.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view good_token = "good-token";
constexpr std::string_view good_csrf = "csrf-secret";

class FakeAuthenticator final : public Authenticator {
 public:
  core::Result<SessionAuthentication> authenticate_session(std::string_view token) override {
    calls.fetch_add(1);
    if (token != good_token) {
      return core::make_error(core::ErrorCode::unauthenticated, "no such session");
    }
    SessionAuthentication authentication;
    authentication.actor.user_id = 7;
    authentication.actor.session_id = 70;
    authentication.csrf_token = std::string(good_csrf);
    return authentication;
  }
  std::atomic<int> calls{0};
};

class AuthenticationTest : public ::testing::Test {
 protected:
  AuthenticationTest() {
    RouteOptions signed_in;
    signed_in.auth = AuthRequirement::required;
    RouteOptions signed_in_json = signed_in;
    signed_in_json.body = BodyKind::json;
    auto echo = [](Request request) -> Awaitable<Response> {
      co_return json_response(200, {{"user", request.actor.user_id.value_or(0)},
                                    {"session", request.actor.session_id.value_or(0)},
                                    {"client", request.client_address},
                                    {"secure", request.secure_transport}});
    };
    router_.add(Method::get, "/private", echo, signed_in);
    router_.add(Method::delete_, "/private", echo, signed_in);
    router_.add(Method::post, "/private", echo, signed_in_json);
    router_.add(Method::get, "/public", echo);
    metrics_ = std::make_unique<Metrics>(router_);
  }

  Response dispatch(Request request, bool trust_proxy = false) {
    Pipeline pipeline(router_, *metrics_, false,
                      Identity{&authenticator_, &blocking_, trust_proxy});
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, pipeline.dispatch(std::move(request), false),
                                        boost::asio::use_future);
    io.run();
    return future.get().response;
  }

  static Request make(Method method, std::string path, std::vector<Header> headers = {}) {
    Request request;
    request.method = method;
    request.path = std::move(path);
    request.remote_address = "10.0.0.9";
    request.headers = std::move(headers);
    return request;
  }

  static Header cookie(std::string_view token) {
    return {"cookie", "theme=dark; roost_session=" + std::string(token)};
  }

  Router router_;
  std::unique_ptr<Metrics> metrics_;
  BlockingExecutor blocking_{1};
  FakeAuthenticator authenticator_;
};

nlohmann::json body_of(const Response& response) { return nlohmann::json::parse(response.body); }

TEST_F(AuthenticationTest, ValidCookiePutsTheActorOnTheRequest) {
  auto response = dispatch(make(Method::get, "/private", {cookie(good_token)}));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response)["user"], 7);
  EXPECT_EQ(body_of(response)["session"], 70);
}

TEST_F(AuthenticationTest, NoCookieIs401WithoutAskingTheAuthenticator) {
  auto response = dispatch(make(Method::get, "/private"));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(body_of(response)["error"]["code"], "unauthenticated");
  EXPECT_EQ(authenticator_.calls.load(), 0);
}

TEST_F(AuthenticationTest, UnknownTokenIs401) {
  auto response = dispatch(make(Method::get, "/private", {cookie("stolen-or-expired")}));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(body_of(response)["error"]["code"], "unauthenticated");
}

TEST_F(AuthenticationTest, PublicRoutesDoNotAuthenticate) {
  auto response = dispatch(make(Method::get, "/public", {cookie("whatever")}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(body_of(response)["user"], 0);
  EXPECT_EQ(authenticator_.calls.load(), 0);
}

TEST_F(AuthenticationTest, StateChangingCookieRequestNeedsTheCsrfHeader) {
  auto missing = dispatch(make(Method::delete_, "/private", {cookie(good_token)}));
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(body_of(missing)["error"]["code"], "permission_denied");
  EXPECT_NE(body_of(missing)["error"]["message"].get<std::string>().find("csrf"),
            std::string::npos);
  auto wrong = dispatch(
      make(Method::delete_, "/private", {cookie(good_token), {"x-csrf-token", "csrf-secreT"}}));
  EXPECT_EQ(wrong.status, 403);
  auto right = dispatch(make(Method::delete_, "/private",
                             {cookie(good_token), {"x-csrf-token", std::string(good_csrf)}}));
  EXPECT_EQ(right.status, 200);
}

TEST_F(AuthenticationTest, AuthenticationComesBeforeTheBody) {
  auto request = make(Method::post, "/private", {{"content-type", "application/json"}});
  request.body = "{not json";
  EXPECT_EQ(dispatch(request).status, 401);
  request.headers.push_back(cookie(good_token));
  EXPECT_EQ(dispatch(request).status, 403);  // no CSRF header: still before the body
  request.headers.push_back({"x-csrf-token", std::string(good_csrf)});
  EXPECT_EQ(dispatch(request).status, 400);
}

TEST_F(AuthenticationTest, ForwardedHeadersCountOnlyBehindATrustedProxy) {
  std::vector<Header> forwarded = {{"x-forwarded-for", "203.0.113.5, 198.51.100.7"},
                                   {"x-forwarded-proto", "https"}};
  auto direct = body_of(dispatch(make(Method::get, "/public", forwarded)));
  EXPECT_EQ(direct["client"], "10.0.0.9");
  EXPECT_EQ(direct["secure"], false);
  auto proxied = body_of(dispatch(make(Method::get, "/public", forwarded), true));
  EXPECT_EQ(proxied["client"], "198.51.100.7");
  EXPECT_EQ(proxied["secure"], true);
  auto plain = body_of(dispatch(make(Method::get, "/public"), true));
  EXPECT_EQ(plain["client"], "10.0.0.9");
  EXPECT_EQ(plain["secure"], false);
}

}  // namespace
}  // namespace roost::api::http
