#include "api/http/message.hpp"

#include <algorithm>

#include "core/ascii.hpp"

namespace roost::api::http {
namespace {

bool iequals(std::string_view left, std::string_view right) {
  return std::equal(left.begin(), left.end(), right.begin(), right.end(),
                    [](char a, char b) { return core::ascii_lower(a) == core::ascii_lower(b); });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t index = 0; index < text.size(); ++index) {
    char c = text[index];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && index + 2 < text.size() && hex_value(text[index + 1]) >= 0 &&
               hex_value(text[index + 2]) >= 0) {
      out.push_back(
          static_cast<char>(hex_value(text[index + 1]) * 16 + hex_value(text[index + 2])));
      index += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string_view method_name(Method method) {
  switch (method) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::delete_: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  if (name == "GET") return Method::get;
  if (name == "HEAD") return Method::head;
  if (name == "POST") return Method::post;
  if (name == "PUT") return Method::put;
  if (name == "PATCH") return Method::patch;
  if (name == "DELETE") return Method::delete_;
  if (name == "OPTIONS") return Method::options;
  return Method::other;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& header : headers) {
    if (iequals(header.name, name)) return std::string_view(header.value);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::path_parameter(std::string_view name) const {
  for (const auto& parameter : path_parameters) {
    if (parameter.name == name) return std::string_view(parameter.value);
  }
  return std::nullopt;
}

namespace {

// Calls visit(value) for each parameter named `name`, in order, until it returns false.
template <class Visit>
void visit_query_values(std::string_view query, std::string_view name, Visit visit) {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto equals = pair.find('=');
    if (percent_decode(pair.substr(0, equals)) != name) continue;
    if (!visit(equals == std::string_view::npos ? std::string{}
                                                : percent_decode(pair.substr(equals + 1)))) {
      return;
    }
  }
}

}  // namespace

std::optional<std::string> Request::query_parameter(std::string_view name) const {
  std::optional<std::string> first;
  visit_query_values(query, name, [&first](std::string value) {
    first = std::move(value);
    return false;
  });
  return first;
}

std::vector<std::string> Request::query_parameters(std::string_view name) const {
  std::vector<std::string> values;
  visit_query_values(query, name, [&values](std::string value) {
    values.push_back(std::move(value));
    return true;
  });
  return values;
}

Response json_response(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  // Replace rather than throw on invalid UTF-8: a response must always be sent.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace roost::api::http
