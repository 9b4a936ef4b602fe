#include "domain/common_passwords.hpp"

#include <gtest/gtest.h>

#include "domain/account_rules.hpp"

namespace roost::domain {
namespace {

TEST(CommonPasswords, TheShippedListIsLoaded) {
  // data/common-passwords.txt keeps the 8+ character entries of a list of 49,233.
  EXPECT_GT(common_password_count(), 10'000u);
}

TEST(CommonPasswords, MatchesCaseInsensitively) {
  EXPECT_TRUE(is_common_password("password"));
  EXPECT_TRUE(is_common_password("PassWord"));
  EXPECT_TRUE(is_common_password("12345678"));
  EXPECT_TRUE(is_common_password("iloveyou"));
  EXPECT_TRUE(is_common_password("TRUSTNO1"));
  EXPECT_FALSE(is_common_password("analytical engine"));
  EXPECT_FALSE(is_common_password(""));
  EXPECT_FALSE(is_common_password("password "));  // not trimmed: another password
}

TEST(CommonPasswords, CheckPasswordRefusesThemNamingWhy) {
  auto refused = check_password("Sunshine");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid_request);
  ASSERT_EQ(refused.error().details.size(), 1u);
  EXPECT_EQ(refused.error().details[0].field, "password");
  EXPECT_NE(refused.error().details[0].message.find("most common passwords"), std::string::npos);
  EXPECT_TRUE(check_password("sunshine on the analytical engine").ok());
}

}  // namespace
}  // namespace roost::domain
