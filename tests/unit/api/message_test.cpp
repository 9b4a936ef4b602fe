#include "api/http/message.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

TEST(Request, HeadersAreCaseInsensitive) {
  Request request;
  request.headers.push_back({"content-type", "application/json"});
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_FALSE(request.header("accept").has_value());
}

TEST(Request, HeaderNamesFoldOnlyAsciiLetters) {
  Request request;
  request.headers.push_back({"x-csrf-token", "t"});
  request.headers.push_back({"x-\xC3\xA9", "lower e acute"});
  EXPECT_EQ(request.header("X-CSRF-TOKEN"), "t");
  EXPECT_FALSE(request.header("x-csrf_token").has_value());
  EXPECT_FALSE(request.header("x-csrf-toke").has_value());
  EXPECT_FALSE(request.header("x-csrf-tokens").has_value());
  EXPECT_EQ(request.header("X-\xC3\xA9"), "lower e acute");
  // "\xC3\x89" is the capital É: not an ASCII letter, so no match.
  EXPECT_FALSE(request.header("x-\xC3\x89").has_value());
}

TEST(Request, QueryParametersAreDecoded) {
  Request request;
  request.query = "q=caf%C3%A9+au+lait&empty&x=1";
  EXPECT_EQ(request.query_parameter("q"), "café au lait");
  EXPECT_EQ(request.query_parameter("empty"), "");
  EXPECT_EQ(request.query_parameter("x"), "1");
  EXPECT_FALSE(request.query_parameter("missing").has_value());
  request.query = "bad=%zz%4";
  EXPECT_EQ(request.query_parameter("bad"), "%zz%4");
}

TEST(Request, RepeatedQueryParametersAreAllReturnedInOrder) {
  Request request;
  request.query = "profile=3&state=draft&profile=1&profile&p=9";
  EXPECT_EQ(request.query_parameters("profile"), (std::vector<std::string>{"3", "1", ""}));
  EXPECT_EQ(request.query_parameter("profile"), "3");
  EXPECT_EQ(request.query_parameters("state"), (std::vector<std::string>{"draft"}));
  EXPECT_TRUE(request.query_parameters("missing").empty());
}

TEST(Response, JsonResponseNeverThrowsOnInvalidUtf8) {
  auto response = json_response(200, {{"text", std::string("\xFF")}});
  EXPECT_EQ(response.status, 200);
  EXPECT_FALSE(response.body.empty());
}

}  // namespace
}  // namespace roost::api::http
