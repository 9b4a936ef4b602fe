#include "core/utf8.hpp"

#include <string>

#include <gtest/gtest.h>

namespace roost::core {
namespace {

std::size_t length_of(std::string_view text) { return utf8_sequence_length(text, 0); }

TEST(Utf8SequenceLength, EachValidLengthAtItsSmallestAndLargestValue) {
  EXPECT_EQ(length_of(std::string_view("\0", 1)), 1U);
  EXPECT_EQ(length_of("\x7F"), 1U);
  EXPECT_EQ(length_of("\xC2\x80"), 2U);          // U+0080
  EXPECT_EQ(length_of("\xDF\xBF"), 2U);          // U+07FF
  EXPECT_EQ(length_of("\xE0\xA0\x80"), 3U);      // U+0800
  EXPECT_EQ(length_of("\xEF\xBF\xBF"), 3U);      // U+FFFF
  EXPECT_EQ(length_of("\xF0\x90\x80\x80"), 4U);  // U+10000
  EXPECT_EQ(length_of("\xF4\x8F\xBF\xBF"), 4U);  // U+10FFFF
}

TEST(Utf8SequenceLength, ReadsTheSequenceAtTheIndexNotTheStart) {
  const std::string_view text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x90\xA6";  // "aé€🐦"
  EXPECT_EQ(utf8_sequence_length(text, 0), 1U);
  EXPECT_EQ(utf8_sequence_length(text, 1), 2U);
  EXPECT_EQ(utf8_sequence_length(text, 2), 0U);  // a continuation byte starts nothing
  EXPECT_EQ(utf8_sequence_length(text, 3), 3U);
  EXPECT_EQ(utf8_sequence_length(text, 6), 4U);
  EXPECT_EQ(utf8_sequence_length(text, text.size()), 0U);
}

TEST(Utf8SequenceLength, OverlongFormsAreInvalid) {
  EXPECT_EQ(length_of("\xC0\xAF"), 0U);          // '/' in two bytes
  EXPECT_EQ(length_of("\xC1\xBF"), 0U);          // U+007F in two bytes
  EXPECT_EQ(length_of("\xE0\x80\xAF"), 0U);      // '/' in three bytes
  EXPECT_EQ(length_of("\xE0\x9F\xBF"), 0U);      // U+07FF in three bytes
  EXPECT_EQ(length_of("\xF0\x80\x80\xAF"), 0U);  // '/' in four bytes
  EXPECT_EQ(length_of("\xF0\x8F\xBF\xBF"), 0U);  // U+FFFF in four bytes
}

TEST(Utf8SequenceLength, SurrogatesAreInvalid) {
  EXPECT_EQ(length_of("\xED\x9F\xBF"), 3U);  // U+D7FF, just below them
  EXPECT_EQ(length_of("\xED\xA0\x80"), 0U);  // U+D800
  EXPECT_EQ(length_of("\xED\xBF\xBF"), 0U);  // U+DFFF
  EXPECT_EQ(length_of("\xEE\x80\x80"), 3U);  // U+E000, just above them
}

TEST(Utf8SequenceLength, ValuesPastU10FFFFAreInvalid) {
  EXPECT_EQ(length_of("\xF4\x90\x80\x80"), 0U);  // U+110000
  EXPECT_EQ(length_of("\xF5\x80\x80\x80"), 0U);
  EXPECT_EQ(length_of("\xF7\xBF\xBF\xBF"), 0U);
  EXPECT_EQ(length_of("\xF8\x88\x80\x80\x80"), 0U);  // the five-byte form of old
  EXPECT_EQ(length_of("\xFF"), 0U);
}

TEST(Utf8SequenceLength, TruncatedSequencesAreInvalid) {
  EXPECT_EQ(length_of("\xC3"), 0U);
  EXPECT_EQ(length_of("\xE2\x82"), 0U);
  EXPECT_EQ(length_of("\xF0\x9F\x90"), 0U);
  // Cut short by a byte that is not a continuation byte, rather than by the end.
  EXPECT_EQ(length_of("\xC3"
                      "a"),
            0U);
  EXPECT_EQ(length_of("\xE2\x82"
                      "a"),
            0U);
  EXPECT_EQ(length_of("\xF0\x9F\x90"
                      "a"),
            0U);
  // The end of the view counts, not a terminator after it.
  EXPECT_EQ(utf8_sequence_length(std::string_view("\xC3\xA9", 1), 0), 0U);
}

}  // namespace
}  // namespace roost::core
