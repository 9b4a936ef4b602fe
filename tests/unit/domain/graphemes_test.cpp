#include "domain/graphemes.hpp"

#include <string>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::size_t graphemes(std::string_view text) {
  auto count = count_graphemes(text);
  EXPECT_TRUE(count.ok()) << text;
  return count.ok() ? *count : 0;
}

TEST(Graphemes, CountsAsciiAndEmptyText) {
  EXPECT_EQ(graphemes(""), 0u);
  EXPECT_EQ(graphemes("hello"), 5u);
  EXPECT_EQ(graphemes("a b\r\nc"), 5u);  // CR LF is one grapheme
}

TEST(Graphemes, EmojiZwjSequenceIsOne) {
  // Family: man, ZWJ, woman, ZWJ, girl, ZWJ, boy: 7 code points, 25 bytes.
  std::string family =
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
      "\xE2\x80\x8D\xF0\x9F\x91\xA6";
  EXPECT_EQ(family.size(), 25u);
  EXPECT_EQ(graphemes(family), 1u);
  // Thumbs up with a skin tone modifier.
  EXPECT_EQ(graphemes("\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"), 1u);
  EXPECT_EQ(graphemes("ok " + family + "!"), 5u);
}

TEST(Graphemes, FlagIsOnePairOfRegionalIndicators) {
  std::string france = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
  std::string japan = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";
  EXPECT_EQ(graphemes(france), 1u);
  EXPECT_EQ(graphemes(france + japan), 2u);
}

TEST(Graphemes, CombiningMarksJoinTheirBase) {
  EXPECT_EQ(graphemes("e\xCC\x81"), 1u);                 // e + combining acute
  EXPECT_EQ(graphemes("\xC3\xA9"), 1u);                  // precomposed é
  EXPECT_EQ(graphemes("a\xCC\x8A\xCC\xB1z"), 2u);        // a + two marks, z
  EXPECT_EQ(graphemes("\xE0\xA4\xA8\xE0\xA4\xBF"), 1u);  // Devanagari ni: consonant + vowel sign
}

TEST(Graphemes, HangulJamoComposeIntoSyllables) {
  EXPECT_EQ(graphemes("\xED\x95\x9C\xEA\xB8\x80"), 2u);  // 한글, precomposed
  // ᄒ ᅡ ᆫ: leading consonant, vowel, trailing consonant = one syllable.
  EXPECT_EQ(graphemes("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), 1u);
}

TEST(Graphemes, CountsTheBlueskyLimitExactly) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";  // 300 flags
  EXPECT_EQ(text.size(), 2400u);
  EXPECT_EQ(graphemes(text), 300u);
  EXPECT_EQ(graphemes(text + "e\xCC\x81"), 301u);
}

TEST(Graphemes, InvalidUtf8IsAnError) {
  for (std::string bad : {std::string("\xC3"), std::string("a\xFF"), std::string("\xED\xA0\x80"),
                          std::string("\xC0\xAF"), std::string("\xF4\x90\x80\x80")}) {
    auto count = count_graphemes(bad);
    ASSERT_FALSE(count.ok());
    EXPECT_EQ(count.error().code, core::ErrorCode::invalid_request);
  }
}

}  // namespace
}  // namespace roost::domain
