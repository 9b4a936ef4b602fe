#include "api/http/json_body.hpp"

#include <gtest/gtest.h>

namespace roost::api::http {
namespace {

TEST(JsonBody, ParsesAnObject) {
  auto parsed = parse_json_body(R"({"name":"Roost","n":[1,2]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)["name"], "Roost");
}

TEST(JsonBody, MalformedJsonNamesTheByte) {
  auto parsed = parse_json_body(R"({"name": })");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, core::ErrorCode::malformed_json);
  ASSERT_EQ(parsed.error().details.size(), 1u);
  EXPECT_NE(parsed.error().details[0].message.find("byte 10"), std::string::npos);
}

TEST(JsonBody, InvalidUtf8IsMalformed) {
  auto parsed = parse_json_body("{\"name\":\"caf\xC3\x28\"}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, core::ErrorCode::malformed_json);
}

TEST(JsonBody, DeepNestingIsRefusedWithoutRecursing) {
  std::string deep(100000, '[');
  auto parsed = parse_json_body(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("nested"), std::string::npos);
  // Brackets inside strings do not count as nesting.
  EXPECT_TRUE(parse_json_body("{\"s\":\"" + std::string(1000, '[') + "\"}").ok());
}

}  // namespace
}  // namespace roost::api::http
