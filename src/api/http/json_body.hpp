#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace roost::api::http {

// Parses a request body as JSON. Not JSON, not UTF-8, or nested deeper than the limit:
// ErrorCode::malformed_json, with the byte offset of the problem in the detail.
core::Result<nlohmann::json> parse_json_body(std::string_view body);

}  // namespace roost::api::http
