#include "api/http/dto/json_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <random>
#include <string>

namespace roost::api::http {
namespace {

// What json_response writes for the same string: the reference.
std::string reference(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(const std::string& text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, WritesStringsAsTheJsonLibraryDoes) {
  for (const std::string text :
       {"", "plain ascii", "quote \" and backslash \\", "tab\tnewline\n\x01", "del \x7f",
        "Zoë Ångström", "日本語", "emoji 👩‍👩‍👧", "bad \xff utf-8", "cut \xe6\x97"}) {
    EXPECT_EQ(written(text), reference(text)) << text;
  }
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 2'000; ++i) {
    std::string text(static_cast<std::size_t>(i % 40), ' ');
    for (auto& c : text) c = static_cast<char>(byte(random));
    ASSERT_EQ(written(text), reference(text));
  }
}

TEST(JsonText, WritesIntegers) {
  std::string out;
  append_json_integer(out, 0);
  out += ',';
  append_json_integer(out, -42);
  out += ',';
  append_json_integer(out, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(out, "0,-42,9223372036854775807");
}

}  // namespace
}  // namespace roost::api::http
