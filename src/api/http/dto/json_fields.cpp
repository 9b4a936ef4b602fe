#include "api/http/dto/json_fields.hpp"

namespace roost::api::http {

JsonFields::JsonFields(const nlohmann::json& body) : body_(body) {
  if (!body_.is_object()) problems_.push_back({"", "the body must be a JSON object", 0, 0});
}

std::string JsonFields::required_string(std::string_view name) {
  if (!body_.is_object()) return {};
  auto found = body_.find(name);
  if (found == body_.end() || found->is_null()) {
    problems_.push_back({std::string(name), "is required", 0, 0});
    return {};
  }
  if (!found->is_string()) {
    problems_.push_back({std::string(name), "must be a string", 0, 0});
    return {};
  }
  return found->get<std::string>();
}

std::int64_t JsonFields::required_integer(std::string_view name) {
  if (!body_.is_object()) return 0;
  auto found = body_.find(name);
  if (found == body_.end() || found->is_null()) {
    problems_.push_back({std::string(name), "is required", 0, 0});
    return 0;
  }
  if (found->is_number_unsigned() && found->get<std::uint64_t>() > INT64_MAX) {
    problems_.push_back({std::string(name), "is too large", 0, 0});
    return 0;
  }
  if (!found->is_number_integer()) {
    problems_.push_back({std::string(name), "must be an integer", 0, 0});
    return 0;
  }
  return found->get<std::int64_t>();
}

std::optional<std::int64_t> JsonFields::optional_integer(std::string_view name) {
  if (!body_.is_object()) return std::nullopt;
  auto found = body_.find(name);
  if (found == body_.end() || found->is_null()) return std::nullopt;
  return required_integer(name);
}

std::optional<std::string> JsonFields::optional_string(std::string_view name) {
  if (!body_.is_object()) return std::nullopt;
  auto found = body_.find(name);
  if (found == body_.end() || found->is_null()) return std::nullopt;
  return required_string(name);
}

std::optional<core::Error> JsonFields::error() const {
  if (problems_.empty()) return std::nullopt;
  core::Error error = core::make_error(core::ErrorCode::invalid_request,
                                       "the request body has missing or mistyped fields");
  error.details = problems_;
  return error;
}

}  // namespace roost::api::http
