#include "domain/language_tag.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::string normalized(std::string_view tag) {
  auto result = normalize_language_tag(tag);
  EXPECT_TRUE(result.ok()) << tag;
  return result.ok() ? *result : std::string();
}

TEST(LanguageTag, WritesTheRegistryCase) {
  EXPECT_EQ(normalized("en"), "en");
  EXPECT_EQ(normalized("EN-us"), "en-US");
  EXPECT_EQ(normalized("zh-hant-tw"), "zh-Hant-TW");
  EXPECT_EQ(normalized("ZH-HANT-TW"), "zh-Hant-TW");
  EXPECT_EQ(normalized("es-419"), "es-419");
  EXPECT_EQ(normalized("sr-latn-rs"), "sr-Latn-RS");
  EXPECT_EQ(normalized("pt-BR"), "pt-BR");
}

TEST(LanguageTag, AcceptsTheWholeGrammar) {
  EXPECT_EQ(normalized("zh-yue-HK"), "zh-yue-HK");                    // extlang
  EXPECT_EQ(normalized("sl-rozaj-biske"), "sl-rozaj-biske");          // variants
  EXPECT_EQ(normalized("de-CH-1901"), "de-CH-1901");                  // digit variant
  EXPECT_EQ(normalized("en-US-u-ca-GREGORY"), "en-US-u-ca-gregory");  // extension
  EXPECT_EQ(normalized("de-X-Private"), "de-x-private");              // private use
  EXPECT_EQ(normalized("x-whatever"), "x-whatever");                  // private use alone
  EXPECT_EQ(normalized("I-KLINGON"), "i-klingon");                    // grandfathered
  EXPECT_EQ(normalized("en-gb-oed"), "en-GB-oed");
  EXPECT_EQ(normalized("zh-min-nan"), "zh-min-nan");
}

TEST(LanguageTag, RefusesGarbage) {
  for (std::string_view bad : {"",
                               "e",
                               "english!",
                               "en_US",
                               "en-",
                               "-en",
                               "en--US",
                               "1234",
                               "abcd",
                               "en-US-a",
                               "de-1901-1901",
                               "en-a-bb-a-cc",
                               "x-",
                               "en-x",
                               "toolonglanguage",
                               "fr-FR-x-abcdefghi",
                               "en US",
                               "ja-\xE6\x97\xA5",
                               "english",
                               "french-FR"}) {
    auto result = normalize_language_tag(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, core::ErrorCode::invalid_request);
  }
}

}  // namespace
}  // namespace roost::domain
