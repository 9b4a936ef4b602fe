#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http/message.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "services/org_access.hpp"

// What the handlers read from every request alike, and the answers they share.
namespace roost::api::http {

// A positive decimal id, or nullopt (the handler answers as for an unknown id: 404).
inline std::optional<std::int64_t> parse_id(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size() || value <= 0) return std::nullopt;
  return value;
}

// A query's instant: milliseconds since the epoch, or an RFC 3339 date-time.
inline std::optional<std::int64_t> parse_instant_ms(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!text.empty() && error == std::errc{} && end == text.data() + text.size()) return value;
  return core::parse_rfc3339_ms(text);
}

inline std::optional<core::OrgId> org_id_of(const Request& request) {
  auto id = parse_id(request.path_parameter("org_id"));
  if (!id) return std::nullopt;
  return core::OrgId{*id};
}

// The id in the path parameter `name` as the strong id type `Id` (e.g. core::TeamId), or
// nullopt: the handler answers as for an unknown id (404).
template <class Id>
std::optional<Id> path_id(const Request& request, std::string_view name) {
  auto id = parse_id(request.path_parameter(name));
  if (!id) return std::nullopt;
  return Id{*id};
}

inline services::Caller caller_of(const Request& request) {
  return services::Caller{request.actor, request.request_id};
}

inline core::Error not_found(std::string message) {
  return core::make_error(core::ErrorCode::not_found, std::move(message));
}

// invalid_request naming one field, e.g. invalid_field("level", "must be viewer, ...").
inline core::Error invalid_field(std::string field, std::string message) {
  core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  error.details.push_back({std::move(field), std::move(message), 0, 0});
  return error;
}

// An optional time as RFC 3339 UTC, or JSON null.
inline nlohmann::json optional_time(const std::optional<std::int64_t>& unix_ms) {
  if (!unix_ms) return nullptr;
  return core::format_utc_ms(*unix_ms);
}

inline Response no_content() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace roost::api::http
