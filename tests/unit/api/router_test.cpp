#include "api/http/router.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

Handler nothing() {
  return [](Request) -> Awaitable<Response> { co_return Response{}; };
}

TEST(Router, MatchesLiteralAndParameterSegments) {
  Router router;
  router.add(Method::get, "/api/v1/orgs/{org_id}/members/{member_id}", nothing());
  auto match = router.match(Method::get, "/api/v1/orgs/12/members/7");
  ASSERT_NE(match.route, nullptr);
  ASSERT_EQ(match.parameters.size(), 2u);
  EXPECT_EQ(match.parameters[0].name, "org_id");
  EXPECT_EQ(match.parameters[0].value, "12");
  EXPECT_EQ(match.parameters[1].value, "7");
}

TEST(Router, BodyLimitIsTheRoutesOrTheServersDefault) {
  constexpr std::size_t server_default = 1024;
  constexpr std::size_t upload_limit = 4096;
  Router router;
  RouteOptions upload;
  upload.body = BodyKind::raw;
  upload.body_bytes_max = upload_limit;
  router.add(Method::put, "/api/v1/orgs/{org_id}/logo", nothing(), upload);
  router.add(Method::get, "/api/v1/orgs/{org_id}/logo", nothing());
  EXPECT_EQ(router.body_limit(Method::put, "/api/v1/orgs/3/logo", server_default), upload_limit);
  EXPECT_EQ(router.body_limit(Method::get, "/api/v1/orgs/3/logo", server_default), server_default);
  EXPECT_EQ(router.body_limit(Method::post, "/api/v1/orgs/3/logo", server_default), server_default);
  EXPECT_EQ(router.body_limit(Method::put, "/api/v1/nothing", server_default), server_default);
  EXPECT_EQ(router.body_limit_max(server_default), upload_limit);
  EXPECT_EQ(router.body_limit_max(upload_limit * 2), upload_limit * 2);
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodIsNotAllowed) {
  Router router;
  router.add(Method::get, "/api/v1/orgs", nothing());
  router.add(Method::post, "/api/v1/orgs", nothing());
  auto missing = router.match(Method::get, "/api/v1/teams");
  EXPECT_EQ(missing.route, nullptr);
  EXPECT_FALSE(missing.path_exists);
  auto wrong = router.match(Method::delete_, "/api/v1/orgs");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_TRUE(wrong.path_exists);
  EXPECT_EQ(wrong.allowed_methods.size(), 2u);
}

TEST(Router, LiteralWinsOverParameterWhateverTheOrder) {
  Router router;
  router.add(Method::get, "/api/v1/orgs/{org_id}", nothing());
  router.add(Method::get, "/api/v1/orgs/mine", nothing());
  auto match = router.match(Method::get, "/api/v1/orgs/mine");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/orgs/mine");
  EXPECT_TRUE(match.parameters.empty());
}

TEST(Router, HeadIsServedByGetAndTrailingSlashesAreIgnored) {
  Router router;
  router.add(Method::get, "/healthz", nothing());
  EXPECT_NE(router.match(Method::head, "/healthz").route, nullptr);
  EXPECT_NE(router.match(Method::get, "/healthz/").route, nullptr);
  EXPECT_EQ(router.match(Method::get, "/healthz/extra").route, nullptr);
}

TEST(Router, FallbackServesOnlyUnknownNonApiGets) {
  Router router;
  router.add(Method::get, "/healthz", nothing());
  RouteOptions fallback;
  fallback.fallback = true;
  router.add(Method::get, "/{static}", nothing(), fallback);
  EXPECT_EQ(router.match(Method::get, "/calendar/week").route->pattern, "/{static}");
  EXPECT_EQ(router.match(Method::get, "/healthz").route->pattern, "/healthz");
  EXPECT_EQ(router.match(Method::get, "/api/v1/unknown").route, nullptr);
  EXPECT_EQ(router.match(Method::post, "/calendar").route, nullptr);
}

}  // namespace
}  // namespace roost::api::http
