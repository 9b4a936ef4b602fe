#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <span>
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

TEST(Utf8Prefix, ShortTextIsKeptWhole) {
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 5), "caf\xC3\xA9");
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 50), "caf\xC3\xA9");
  EXPECT_EQ(utf8_prefix("", 0), "");
}

TEST(Utf8Prefix, CutsBeforeACharacterThatWouldNotFit) {
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(utf8_prefix("a\xE2\x82\xAC", 3), "a");
  EXPECT_EQ(utf8_prefix("a\xE2\x82\xAC", 2), "a");
  EXPECT_EQ(utf8_prefix("a\xF0\x9F\x90\xA6", 4), "a");
  EXPECT_EQ(utf8_prefix("a\xF0\x9F\x90\xA6", 2), "a");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x90\xA6", 3), "");
  EXPECT_EQ(utf8_prefix("abc", 0), "");
}

TEST(Utf8Prefix, CutsAtTheLimitWhenACharacterEndsThere) {
  EXPECT_EQ(utf8_prefix("ab", 1), "a");
  EXPECT_EQ(utf8_prefix("\xC3\xA9\xC3\xA9", 2), "\xC3\xA9");
  EXPECT_EQ(utf8_prefix("a\xE2\x82\xAC\xE2\x82\xAC", 4), "a\xE2\x82\xAC");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x90\xA6"
                        "b",
                        4),
            "\xF0\x9F\x90\xA6");
}

TEST(Utf8Prefix, BytesThatAreNotUtf8AreCharactersOfTheirOwn) {
  EXPECT_EQ(utf8_prefix("a\xFF\xFF", 2), "a\xFF");
  EXPECT_EQ(utf8_prefix("a\x80\x80\x80\x80", 3), "a\x80\x80");
  // A surrogate is three bytes that are each invalid: any cut among them is a boundary.
  EXPECT_EQ(utf8_prefix("a\xED\xA0\x80", 3), "a\xED\xA0");
  // A truncated sequence too.
  EXPECT_EQ(utf8_prefix("a\xE2\x82"
                        "bc",
                        3),
            "a\xE2\x82");
}

// What utf8_prefix promises, read the slow way: walk the text one character at a time (a
// byte that starts no valid sequence being one) and stop before the first that does not fit.
std::size_t prefix_bytes_by_walking(std::string_view text, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t length = std::max<std::size_t>(1, utf8_sequence_length(text, end));
    if (end + length > max_bytes) break;
    end += length;
  }
  return end;
}

// Calls `visit` with each string of up to `length_max` of `bytes` (every one of each length,
// as the numbers in base bytes.size()); stops at a fatal failure.
template <class Visit>
void for_each_string(std::span<const char> bytes, std::size_t length_max, Visit visit) {
  std::string text;
  for (std::size_t length = 0; length <= length_max; ++length) {
    std::size_t count = 1;
    for (std::size_t i = 0; i < length; ++i) count *= bytes.size();
    for (std::size_t number = 0; number < count; ++number) {
      text.clear();
      for (std::size_t rest = number, i = 0; i < length; ++i, rest /= bytes.size()) {
        text.push_back(bytes[rest % bytes.size()]);
      }
      visit(text);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(Utf8Prefix, AgreesWithAWalkFromTheStartOnEveryShortString) {
  // Leads of each length, continuation bytes from each range that matters, bytes that are
  // never UTF-8, and ASCII.
  constexpr std::array<char, 10> bytes = {'a',    '\x80', '\x90', '\xA0', '\xBF',
                                          '\xC3', '\xE2', '\xED', '\xF0', '\xFF'};
  std::size_t strings = 0;
  for_each_string(bytes, 5, [&](const std::string& text) {
    ++strings;
    for (std::size_t max_bytes = 0; max_bytes <= text.size() + 1; ++max_bytes) {
      ASSERT_EQ(utf8_prefix(text, max_bytes).size(), prefix_bytes_by_walking(text, max_bytes))
          << "max_bytes " << max_bytes << " text bytes " << ::testing::PrintToString(text);
    }
  });
  EXPECT_EQ(strings, 111'111U);
}

// The code points of `text` by one utf8_sequence_length call a character, the reference
// utf8_code_points' eight-byte ASCII steps must agree with.
std::size_t code_points_by_walking(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t index = 0; index < text.size(); ++count) {
    const std::size_t length = utf8_sequence_length(text, index);
    if (length == 0) return utf8_invalid;
    index += length;
  }
  return count;
}

TEST(Utf8CodePoints, CountsAsciiAndMultiByteCharacters) {
  EXPECT_EQ(utf8_code_points(""), 0U);
  EXPECT_EQ(utf8_code_points("ascii only, longer than eight"), 29U);
  EXPECT_EQ(utf8_code_points("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\xA6 after the bird"), 23U);
  EXPECT_TRUE(utf8_valid("d\xC3\xA9j\xC3\xA0 vu"));
}

TEST(Utf8CodePoints, AnInvalidByteAnywhereAfterAsciiRunsIsFound) {
  // The bad byte at every offset, so that it falls inside, at the edge of and after the
  // eight-byte steps; the same with a sequence cut by the end of the text.
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(at, 'x');
    text.push_back('\xFF');
    text.append(17, 'y');
    EXPECT_EQ(utf8_code_points(text), utf8_invalid) << "bad byte at " << at;
    EXPECT_FALSE(utf8_valid(text));
    std::string truncated(at, 'x');
    truncated.append("\xE2\x82");
    EXPECT_EQ(utf8_code_points(truncated), utf8_invalid) << "cut sequence at " << at;
    std::string overlong(at, 'x');
    overlong.append("\xC0\xAFzzzzzzzzz");
    EXPECT_EQ(utf8_code_points(overlong), utf8_invalid) << "overlong at " << at;
  }
}

TEST(Utf8CodePoints, AgreesWithAWalkOnMixedText) {
  // ASCII runs of each length around the step, then each kind of byte that matters.
  constexpr std::array<const char*, 7> tails = {
      "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x90\xA6", "\xED\xA0\x80", "\x80", "\xF4\x90\x80\x80",
      "z"};
  for (std::size_t run = 0; run < 20; ++run) {
    for (const char* first : tails) {
      for (const char* second : tails) {
        std::string text(run, 'a');
        text.append(first);
        text.append(run % 9, 'b');
        text.append(second);
        ASSERT_EQ(utf8_code_points(text), code_points_by_walking(text))
            << ::testing::PrintToString(text);
      }
    }
  }
}

// utf8_valid decides with a vector validator where the CPU has one (AVX2): it must agree
// with the sequence decoder, which utf8_code_points walks, on every input.
bool valid_by_walking(std::string_view text) {
  return code_points_by_walking(text) != utf8_invalid;
}

// `text` alone and straddling two of the validator's 32-byte steps; unless `quick`, also at
// the start of a block and ending at a block's last byte, each with and without ASCII after
// (and a character beyond ASCII after that).
void expect_same_decision(const std::string& text, bool quick = false) {
  const bool expected = valid_by_walking(text);
  ASSERT_EQ(utf8_valid(text), expected) << ::testing::PrintToString(text);
  const std::string straddling = std::string(31, 'a') + text;
  ASSERT_EQ(utf8_valid(straddling), expected) << "31 + " << ::testing::PrintToString(text);
  if (quick) return;
  for (std::size_t run : {std::size_t{30}, std::size_t{32}, 64 - text.size()}) {
    const std::string placed = std::string(run, 'a') + text;
    ASSERT_EQ(utf8_valid(placed), expected) << run << " + " << ::testing::PrintToString(text);
    ASSERT_EQ(utf8_valid(placed + std::string(40, 'z')), expected)
        << run << " + " << ::testing::PrintToString(text) << " + 40";
    // A whole ASCII block, then more that is not ASCII: a sequence left unfinished at the
    // end of a block must not be forgotten when the blocks after it are checked.
    ASSERT_EQ(utf8_valid(placed + std::string(40, 'z') + "\xc3\xa9"), expected)
        << run << " + " << ::testing::PrintToString(text) << " + 40 + e-acute";
  }
}

TEST(Utf8Valid, AgreesWithTheSequenceDecoderOnEveryShortString) {
  // Every high nibble's and every low nibble's class that the tables tell apart: ASCII, each
  // continuation range, each lead that starts, limits or forbids something, never-UTF-8.
  constexpr std::array<char, 27> bytes = {'\x00', 'A',    '\x7F', '\x80', '\x8F', '\x90', '\x9F',
                                          '\xA0', '\xBF', '\xC0', '\xC1', '\xC2', '\xDF', '\xE0',
                                          '\xE1', '\xEC', '\xED', '\xEE', '\xEF', '\xF0', '\xF1',
                                          '\xF3', '\xF4', '\xF5', '\xF7', '\xF8', '\xFF'};
  constexpr std::size_t length_max = 4;
  std::size_t valid = 0;
  for_each_string(bytes, length_max, [&](const std::string& text) {
    ASSERT_NO_FATAL_FAILURE(expect_same_decision(text, text.size() == length_max));
    valid += valid_by_walking(text) ? 1 : 0;
  });
  EXPECT_GT(valid, 1'000U);  // the set holds valid sequences of every length, not only errors
}

TEST(Utf8Valid, AgreesWithTheSequenceDecoderOnEveryTwoByteString) {
  std::string text(2, '\0');
  for (int first = 0; first < 256; ++first) {
    for (int second = 0; second < 256; ++second) {
      text[0] = static_cast<char>(first);
      text[1] = static_cast<char>(second);
      ASSERT_NO_FATAL_FAILURE(expect_same_decision(text));
    }
  }
}

TEST(Utf8Valid, AgreesWithTheSequenceDecoderOnLongMixedText) {
  // Characters of every length at random, now and then a random byte instead: long texts
  // whose errors, when they have one, fall anywhere in them.
  std::mt19937 random(20261205);
  const std::array<std::string, 8> characters = {"a",
                                                 " ",
                                                 "\xC3\xA9",
                                                 "\xDF\xBF",
                                                 "\xE3\x81\xAE",
                                                 "\xED\x9F\xBF",
                                                 "\xF0\x9F\x90\xA6",
                                                 "\xF4\x8F\xBF\xBF"};
  std::size_t invalid = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string text;
    const std::size_t length = random() % 200;
    while (text.size() < length) {
      if (random() % 150 == 0) {
        text.push_back(static_cast<char>(random()));
      } else {
        text.append(characters[random() % characters.size()]);
      }
    }
    const bool expected = valid_by_walking(text);
    invalid += expected ? 0 : 1;
    ASSERT_EQ(utf8_valid(text), expected) << ::testing::PrintToString(text);
  }
  EXPECT_GT(invalid, 1'000U);
  EXPECT_LT(invalid, 19'000U);
}

}  // namespace
}  // namespace roost::core
