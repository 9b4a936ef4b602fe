#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Writing JSON text straight into a response body, for the few lists long enough that
// building a nlohmann::json tree first costs more than the rest of the request (the member
// list: docs/PERFORMANCE.md). The output is what nlohmann::json::dump would write for the
// same value, invalid UTF-8 replaced by U+FFFD as json_response does.
namespace roost::api::http {

// `text` as a JSON string, quotes included.
void append_json_string(std::string& out, std::string_view text);
void append_json_integer(std::string& out, std::int64_t value);

}  // namespace roost::api::http
