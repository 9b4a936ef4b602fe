// The iCalendar writer: TEXT escaping, folding at 75 octets without splitting a UTF-8
// sequence, CRLF line ends, UTC instants and the VCALENDAR/VEVENT structure.
#include "domain/icalendar.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "domain/text.hpp"

namespace roost::domain {
namespace {

// The physical lines of `text`, which must end each with CRLF.
std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "a line without CRLF";
    if (end == std::string::npos) break;
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// The content lines, unfolded (RFC 5545 §3.1: CRLF followed by one space is removed).
std::vector<std::string> unfolded_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (auto& line : physical_lines(text)) {
    if (!line.empty() && line[0] == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
  }
  return lines;
}

TEST(ICalendarText, EscapesBackslashSemicolonCommaAndLineBreaks) {
  EXPECT_EQ(escape_icalendar_text("a\\b;c,d"), "a\\\\b\\;c\\,d");
  EXPECT_EQ(escape_icalendar_text("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
  EXPECT_EQ(escape_icalendar_text("tab\tkept"), "tab\tkept");
  EXPECT_EQ(escape_icalendar_text("bell\x07 and del\x7F gone"), "bell and del gone");
  EXPECT_EQ(escape_icalendar_text("caf\xC3\xA9"), "caf\xC3\xA9");
  // Invalid UTF-8 (a lone continuation byte, an overlong slash, a cut sequence) is replaced.
  EXPECT_EQ(escape_icalendar_text("a\x80"
                                  "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(escape_icalendar_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(escape_icalendar_text("x\xF0\x9F\x90"), "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ICalendarLine, ShortLinesAreNotFolded) {
  std::string out;
  append_icalendar_line(out, std::string(75, 'a'));
  EXPECT_EQ(out, std::string(75, 'a') + "\r\n");
}

TEST(ICalendarLine, LongLinesFoldAt75OctetsWithALeadingSpace) {
  std::string out;
  append_icalendar_line(out, std::string(200, 'a'));
  auto lines = physical_lines(out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], std::string(75, 'a'));
  EXPECT_EQ(lines[1], " " + std::string(74, 'a'));
  EXPECT_EQ(lines[2], " " + std::string(51, 'a'));
}

TEST(ICalendarLine, FoldingNeverSplitsAUtf8Sequence) {
  // Every offset of 2-, 3- and 4-octet characters against the fold positions.
  for (std::string character : {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x90\xA6"}) {
    for (std::size_t prefix = 0; prefix < 8; ++prefix) {
      std::string line = "SUMMARY:" + std::string(prefix, 'x');
      for (int index = 0; index < 100; ++index) line += character;
      std::string out;
      append_icalendar_line(out, line);
      for (const auto& physical : physical_lines(out)) {
        EXPECT_LE(physical.size(), 75u);
        // Each physical line is valid UTF-8 on its own: no sequence was cut.
        EXPECT_TRUE(count_code_points(physical).has_value()) << character.size() << "/" << prefix;
      }
      auto unfolded = unfolded_lines(out);
      ASSERT_EQ(unfolded.size(), 1u);
      EXPECT_EQ(unfolded[0], line);
    }
  }
}

TEST(ICalendarLine, RandomTextUnfoldsToItself) {
  std::mt19937 random(5545);
  const std::vector<std::string> pieces = {
      "a", " ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x90\xA6", "\\,"};
  for (int round = 0; round < 300; ++round) {
    std::string line = "DESCRIPTION:";
    const int count = static_cast<int>(random() % 200);
    for (int index = 0; index < count; ++index) line += pieces[random() % pieces.size()];
    std::string out;
    append_icalendar_line(out, line);
    for (const auto& physical : physical_lines(out)) {
      ASSERT_LE(physical.size(), 75u);
      ASSERT_TRUE(count_code_points(physical).has_value());
    }
    auto unfolded = unfolded_lines(out);
    ASSERT_EQ(unfolded.size(), 1u);
    EXPECT_EQ(unfolded[0], line);
  }
}

TEST(ICalendarTime, InstantsAreUtcBasicFormat) {
  EXPECT_EQ(icalendar_utc(0), "19700101T000000Z");
  EXPECT_EQ(icalendar_utc(1'796'392'800'123), "20261204T140000Z");
}

TEST(ICalendarSummary, TheFirstNonBlankLineCutWithAnEllipsis) {
  EXPECT_EQ(icalendar_summary("Launch day!\nMore text", 80), "Launch day!");
  EXPECT_EQ(icalendar_summary("\n  \r\n  Second line  \nthird", 80), "Second line");
  EXPECT_EQ(icalendar_summary("abcdef", 6), "abcdef");
  EXPECT_EQ(icalendar_summary("abcdefg", 6), "abcde\xE2\x80\xA6");
  EXPECT_EQ(icalendar_summary("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3),
            "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(icalendar_summary("", 10), "");
}

TEST(ICalendarDocument, HasTheStructureRfc5545Requires) {
  ICalendar calendar;
  calendar.product_id = "-//Roost//Post calendar//EN";
  calendar.name = "Acme posts";
  ICalendarEvent event;
  event.uid = "post-42@roost.example.com";
  event.stamp_ms = 1'796'392'800'000;
  event.start_ms = 1'796'396'400'000;
  event.summary = "Hello, world; again";
  event.description = "Line one\nLine two";
  event.status = ICalendarStatus::confirmed;
  event.categories = {"scheduled", "bikes.test"};
  event.url = "https://roost.example.com/orgs/1/posts/42";
  calendar.events.push_back(event);
  event.uid = "post-43@roost.example.com";
  event.status.reset();
  event.categories.clear();
  event.description.clear();
  event.url.clear();
  calendar.events.push_back(event);

  const auto text = write_icalendar(calendar);
  auto lines = unfolded_lines(text);
  const std::vector<std::string> expected = {
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Roost//Post calendar//EN",
      "CALSCALE:GREGORIAN",
      "X-WR-CALNAME:Acme posts",
      "BEGIN:VEVENT",
      "UID:post-42@roost.example.com",
      "DTSTAMP:20261204T140000Z",
      "DTSTART:20261204T150000Z",
      "SUMMARY:Hello\\, world\\; again",
      "DESCRIPTION:Line one\\nLine two",
      "STATUS:CONFIRMED",
      "CATEGORIES:scheduled,bikes.test",
      "URL:https://roost.example.com/orgs/1/posts/42",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:post-43@roost.example.com",
      "DTSTAMP:20261204T140000Z",
      "DTSTART:20261204T150000Z",
      "SUMMARY:Hello\\, world\\; again",
      "END:VEVENT",
      "END:VCALENDAR",
  };
  EXPECT_EQ(lines, expected);
  // No bare LF anywhere: every line break is CRLF.
  for (std::size_t index = 0; index < text.size(); ++index) {
    if (text[index] == '\n') {
      ASSERT_GT(index, 0u);
      EXPECT_EQ(text[index - 1], '\r');
    }
  }
}

TEST(ICalendarDocument, AnEmptyCalendarIsStillValid) {
  ICalendar calendar;
  calendar.product_id = "-//Roost//Post calendar//EN";
  EXPECT_EQ(write_icalendar(calendar),
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Roost//Post calendar//EN\r\n"
            "CALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n");
}

}  // namespace
}  // namespace roost::domain
