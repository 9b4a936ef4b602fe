#include "core/log.hpp"

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
  EXPECT_TRUE(parsed.contains("time"));
}

TEST(Log, InvalidUtf8FromClientsStillGivesValidJson) {
  std::string hostile = "caf\xC3 \xFF\xFE end";
  auto line = render(Format::json, Level::warn, "e", {{"target", hostile}});
  auto parsed = nlohmann::json::parse(line);  // throws if the line were not valid UTF-8 JSON
  EXPECT_NE(parsed["target"].get<std::string>().find("end"), std::string::npos);
}

TEST(Log, TextFormatIsKeyValue) {
  auto line =
      render(Format::text, Level::error, "startup_failed", {{"reason", "no key"}, {"code", 3}});
  EXPECT_NE(line.find(" error startup_failed reason=\"no key\" code=3"), std::string::npos);
}

}  // namespace
}  // namespace roost::core::log
