#include "domain/account_rules.hpp"

#include <gtest/gtest.h>

#include "domain/text.hpp"

namespace roost::domain {
namespace {

TEST(Text, CountsCodePointsAndRefusesInvalidUtf8) {
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("caf\xC3\xA9"), 4u);                  // é is one code point
  EXPECT_EQ(count_code_points("\xF0\x9F\x90\xA6"), 1u);             // 🐦
  EXPECT_FALSE(count_code_points("\xC3").has_value());              // truncated
  EXPECT_FALSE(count_code_points("\xC0\xAF").has_value());          // overlong '/'
  EXPECT_FALSE(count_code_points("\xED\xA0\x80").has_value());      // surrogate
  EXPECT_FALSE(count_code_points("\xF4\x90\x80\x80").has_value());  // past U+10FFFF
  EXPECT_FALSE(count_code_points("\xFF").has_value());
}

TEST(AccountRules, PasswordLengthCountsCharactersNotBytes) {
  EXPECT_TRUE(
      check_password("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9").ok());
  EXPECT_FALSE(check_password("\xC3\xA9\xC3\xA9\xC3\xA9").ok());
  EXPECT_TRUE(check_password(std::string(256, 'x')).ok());
  EXPECT_TRUE(check_password(std::string(128, 'x')).ok());
  auto too_long = check_password(std::string(257, 'x'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().details[0].field, "password");
  EXPECT_FALSE(check_password("short").ok());
  EXPECT_FALSE(check_password("          ").ok());
  EXPECT_FALSE(check_password("password\xFF").ok());
}

TEST(AccountRules, DisplayNameIsTrimmedAndBounded) {
  EXPECT_EQ(*normalize_display_name("  Ada  "), "Ada");
  EXPECT_FALSE(normalize_display_name("   ").ok());
  EXPECT_FALSE(normalize_display_name(std::string(101, 'a')).ok());
  EXPECT_TRUE(normalize_display_name(std::string(100, 'a')).ok());
  EXPECT_FALSE(normalize_display_name("Ada\nLovelace").ok());
}

}  // namespace
}  // namespace roost::domain
