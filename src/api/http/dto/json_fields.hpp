#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace roost::api::http {

// Reads fields of a request body, collecting one detail per problem, so that a client
// learns every wrong field of a request at once rather than one per round trip.
class JsonFields {
 public:
  explicit JsonFields(const nlohmann::json& body);

  std::string required_string(std::string_view name);
  // A JSON integer (not a string of digits, not a fraction); 0 when missing or mistyped.
  std::int64_t required_integer(std::string_view name);
  // Missing or null: nullopt, and no problem. Present: as required_integer/required_string.
  std::optional<std::int64_t> optional_integer(std::string_view name);
  std::optional<std::string> optional_string(std::string_view name);
  // The collected problems as ErrorCode::invalid_request, or nullopt when there are none.
  std::optional<core::Error> error() const;

 private:
  const nlohmann::json& body_;
  std::vector<core::ErrorDetail> problems_;
};

}  // namespace roost::api::http
