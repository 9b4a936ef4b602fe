#pragma once

#include <charconv>
#include <optional>
#include <string_view>

#include "api/http/message.hpp"
#include "core/ids.hpp"
#include "services/org_access.hpp"

// What the organization and member handlers read from every request alike.
namespace roost::api::http {

// A positive decimal id, or nullopt (the handler answers as for an unknown id: 404).
inline std::optional<std::int64_t> parse_id(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size() || value <= 0) return std::nullopt;
  return value;
}

inline std::optional<core::OrgId> org_id_of(const Request& request) {
  auto id = parse_id(request.path_parameter("org_id"));
  if (!id) return std::nullopt;
  return core::OrgId{*id};
}

inline services::Caller caller_of(const Request& request) {
  return services::Caller{request.actor, request.request_id};
}

}  // namespace roost::api::http
