#include "api/http/bearer_token.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/limits.hpp"

namespace roost::api::http {
namespace {

TEST(BearerToken, ReadsTheTokenWhateverTheSchemesCase) {
  EXPECT_EQ(bearer_token("Bearer roost_pat_abc").value(), "roost_pat_abc");
  EXPECT_EQ(bearer_token("bearer roost_pat_abc").value(), "roost_pat_abc");
  EXPECT_EQ(bearer_token("BEARER   roost_pat_abc  ").value(), "roost_pat_abc");
}

TEST(BearerToken, RefusesEveryOtherShapeAsUnauthenticatedSayingWhy) {
  const std::vector<std::string> headers{
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "Bearer   ",
      "Bearerroost_pat_abc",
      "Bearer a b",
      "Bearer roost_pat_\"abc\"",
      "Bearer " + std::string(core::limits::api_token_length_max + 1, 'a'),
      ""};
  for (const auto& header : headers) {
    auto token = bearer_token(header);
    ASSERT_FALSE(token.ok()) << header;
    EXPECT_EQ(token.error().code, core::ErrorCode::unauthenticated) << header;
    EXPECT_NE(token.error().message.find("malformed Authorization header"), std::string::npos);
    ASSERT_EQ(token.error().details.size(), 1u);
    EXPECT_EQ(token.error().details[0].field, "Authorization");
  }
}

TEST(BearerToken, TellsTheBearerSchemeFromOthers) {
  EXPECT_TRUE(has_bearer_scheme("Bearer roost_pat_abc"));
  EXPECT_TRUE(has_bearer_scheme("bEaReR x"));
  EXPECT_TRUE(has_bearer_scheme("Bearer"));
  EXPECT_FALSE(has_bearer_scheme("Bearerx abc"));
  EXPECT_FALSE(has_bearer_scheme("Basic YWRhOnB3"));
  EXPECT_FALSE(has_bearer_scheme(""));
}

}  // namespace
}  // namespace roost::api::http
