#include "core/log.hpp"

#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace roost::core::log {
namespace {

TEST(Log, JsonLineIsValidJsonWithEveryField) {
  auto line = render(Format::json, Level::info, "http_request",
                     {{"status", 200}, {"target", "/a\"b"}, {"ok", true}, {"ratio", 0.5}});
  auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["event"], "http_request");
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["status"], 200);
  EXPECT_EQ(parsed["target"], "/a\"b");
  EXPECT_EQ(parsed["ok"], true);
  ASSERT_TRUE(parsed.contains("time"));
  // The time as core::format_utc_ms writes it, milliseconds included.
  EXPECT_TRUE(std::regex_match(parsed["time"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << parsed["time"];
}

TEST(Log, InvalidUtf8FromClientsStillGivesValidJson) {
  std::string hostile = "caf\xC3 \xFF\xFE end";
  auto line = render(Format::json, Level::warn, "e", {{"target", hostile}});
  auto parsed = nlohmann::json::parse(line);  // throws if the line were not valid UTF-8 JSON
  EXPECT_NE(parsed["target"].get<std::string>().find("end"), std::string::npos);
}

TEST(Log, SurrogatesOverlongFormsAndValuesPastUnicodeAreReplacedByteByByte) {
  // Each has a lead byte and continuation bytes, but is not UTF-8 (RFC 3629): JSON readers
  // that check (nlohmann's among them) refuse a line holding one.
  const std::string replaced = "\xEF\xBF\xBD";
  for (std::string_view bad : {"\xED\xA0\x80", "\xE0\x80\xAF", "\xF4\x90\x80\x80"}) {
    auto line = render(Format::json, Level::warn, "e", {{"target", "a" + std::string(bad) + "b"}});
    auto parsed = nlohmann::json::parse(line);
    std::string expected = "a";
    for (std::size_t byte = 0; byte < bad.size(); ++byte) expected += replaced;
    EXPECT_EQ(parsed["target"].get<std::string>(), expected + "b");
  }
  auto line = render(Format::json, Level::warn, "e", {{"target", "\xF0\x9F\x90\xA6"}});
  EXPECT_EQ(nlohmann::json::parse(line)["target"].get<std::string>(), "\xF0\x9F\x90\xA6");
}

TEST(Log, TextFormatIsKeyValue) {
  auto line =
      render(Format::text, Level::error, "startup_failed", {{"reason", "no key"}, {"code", 3}});
  EXPECT_NE(line.find(" error startup_failed reason=\"no key\" code=3"), std::string::npos);
}

TEST(Log, BufferedLinesReachStderrOnFlushAndBeforeAWarning) {
  configure(Format::text, Level::info);
  ::testing::internal::CaptureStderr();
  info("first_line", {{"n", 1}});
  warn("second_line", {{"n", 2}});  // written at once, after what is buffered
  auto before_flush = ::testing::internal::GetCapturedStderr();
  auto first = before_flush.find("info first_line n=1\n");
  auto second = before_flush.find("warn second_line n=2\n");
  ASSERT_NE(first, std::string::npos) << before_flush;
  ASSERT_NE(second, std::string::npos) << before_flush;
  EXPECT_LT(first, second);

  ::testing::internal::CaptureStderr();
  info("third_line");
  flush();
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("info third_line\n"), std::string::npos);
}

}  // namespace
}  // namespace roost::core::log
