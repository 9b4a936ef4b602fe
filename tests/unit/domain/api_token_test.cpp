#include "domain/api_token.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/limits.hpp"

namespace roost::domain {
namespace {

TEST(ApiToken, RecognisesOnlyTheShapeWeMake) {
  EXPECT_TRUE(looks_like_api_token("roost_pat_abcDEF012-_"));
  EXPECT_FALSE(looks_like_api_token("roost_pat_"));
  EXPECT_FALSE(looks_like_api_token("abcDEF012"));
  EXPECT_FALSE(looks_like_api_token("ROOST_PAT_abc"));
  EXPECT_FALSE(looks_like_api_token("roost_pat_abc+def"));
  EXPECT_FALSE(looks_like_api_token("roost_pat_abc def"));
  EXPECT_FALSE(
      looks_like_api_token("roost_pat_" + std::string(core::limits::api_token_length_max, 'a')));
}

TEST(ApiToken, PrefixIsTheMarkerAndAFewCharacters) {
  EXPECT_EQ(api_token_prefix("roost_pat_abcdefghijkl", 8), "roost_pat_abcdefgh");
}

TEST(ApiToken, NameIsTrimmedAndBounded) {
  EXPECT_EQ(normalize_api_token_name("  ci deploy ").value(), "ci deploy");
  EXPECT_FALSE(normalize_api_token_name("   ").ok());
  EXPECT_FALSE(normalize_api_token_name("a\nb").ok());
  EXPECT_FALSE(
      normalize_api_token_name(std::string(core::limits::api_token_name_length_max + 1, 'n')).ok());
  auto bad = normalize_api_token_name("");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details[0].field, "name");
}

TEST(ApiToken, ExpiryIsOneDayToTheMaximum) {
  EXPECT_EQ(check_api_token_expiry_days(1).value(), 1);
  EXPECT_EQ(check_api_token_expiry_days(core::limits::api_token_expiry_days_max).value(),
            core::limits::api_token_expiry_days_max);
  EXPECT_FALSE(check_api_token_expiry_days(0).ok());
  EXPECT_FALSE(check_api_token_expiry_days(-5).ok());
  auto too_long = check_api_token_expiry_days(core::limits::api_token_expiry_days_max + 1);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().details[0].field, "expires_in_days");
}

}  // namespace
}  // namespace roost::domain
