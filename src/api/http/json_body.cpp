#include "api/http/json_body.hpp"

#include <fmt/format.h>

namespace roost::api::http {
namespace {

// Deep nesting is a cheap way to exhaust the stack of a recursive consumer.
constexpr int json_depth_max = 64;

bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') {
      if (++depth > json_depth_max) return true;
    }
    if (c == ']' || c == '}') --depth;
  }
  return false;
}

}  // namespace

core::Result<nlohmann::json> parse_json_body(std::string_view body) {
  if (too_deep(body)) {
    return core::make_error(core::ErrorCode::malformed_json,
                            fmt::format("JSON nested deeper than {} levels", json_depth_max));
  }
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    core::Error result = core::make_error(core::ErrorCode::malformed_json,
                                          "the request body is not valid UTF-8 JSON");
    std::string reason = error.what();
    // nlohmann's message starts with "[json.exception.parse_error.101] parse error at ...".
    auto colon = reason.find("parse error");
    if (colon != std::string::npos) reason = reason.substr(colon);
    result.details.push_back({"body", fmt::format("{} (byte {})", reason, error.byte), 0, 0});
    return result;
  }
}

}  // namespace roost::api::http
