#include "api/http/router.hpp"

#include <algorithm>
#include <cassert>
#include <span>

#include <boost/container/small_vector.hpp>

namespace roost::api::http {
namespace {

// A path's segments; matching a path of up to 8 segments allocates nothing.
using PathParts = boost::container::small_vector<std::string_view, 8>;

PathParts split_path(std::string_view path) {
  PathParts parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  assert(!pattern.empty() && pattern.front() == '/');
  CompiledRoute compiled;
  for (auto part : split_path(pattern)) {
    bool parameter = part.size() > 2 && part.front() == '{' && part.back() == '}';
    compiled.segments.push_back(
        {std::string(parameter ? part.substr(1, part.size() - 2) : part), parameter});
    if (!parameter) ++compiled.literal_count;
  }
  routes_.push_back(
      Route{routes_.size() + 1, method, std::move(pattern), std::move(handler), options});
  compiled_.push_back(std::move(compiled));
}

namespace {

// Router::CompiledRoute, deduced: matching works on a span so that a split path lives on
// the stack (PathParts) rather than in a vector.
template <typename Compiled>
bool segments_match(const Compiled& compiled, std::span<const std::string_view> parts,
                    std::vector<PathParameter>* parameters) {
  if (compiled.segments.size() != parts.size()) return false;
  for (std::size_t index = 0; index < parts.size(); ++index) {
    const auto& segment = compiled.segments[index];
    if (!segment.parameter && segment.text != parts[index]) return false;
  }
  if (parameters != nullptr) {
    parameters->clear();
    for (std::size_t index = 0; index < parts.size(); ++index) {
      if (compiled.segments[index].parameter) {
        parameters->push_back({compiled.segments[index].text, std::string(parts[index])});
      }
    }
  }
  return true;
}

}  // namespace

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  auto split = split_path(path);
  std::span<const std::string_view> parts(split.data(), split.size());
  // HEAD is served by the GET route; the session drops the body.
  Method wanted = method == Method::head ? Method::get : method;
  int best_literals = -1;
  const Route* fallback = nullptr;
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    if (routes_[index].options.fallback) {
      if (routes_[index].method == wanted) fallback = &routes_[index];
      continue;
    }
    if (!segments_match(compiled_[index], parts, nullptr)) continue;
    result.path_exists = true;
    if (routes_[index].method == wanted && compiled_[index].literal_count > best_literals) {
      best_literals = compiled_[index].literal_count;
      result.route = &routes_[index];
    }
  }
  if (result.route != nullptr) {
    segments_match(compiled_[result.route->id - 1], parts, &result.parameters);
  } else if (result.path_exists) {
    // A 405: a second pass for the Allow header, so that a match allocates nothing.
    for (std::size_t index = 0; index < routes_.size(); ++index) {
      if (!routes_[index].options.fallback && segments_match(compiled_[index], parts, nullptr)) {
        result.allowed_methods.push_back(routes_[index].method);
      }
    }
  } else if (!result.path_exists && fallback != nullptr && !path.starts_with("/api/")) {
    result.route = fallback;
  }
  return result;
}

std::size_t Router::body_limit(Method method, std::string_view path,
                               std::size_t server_default) const {
  auto found = match(method, path);
  if (found.route == nullptr || found.route->options.body_bytes_max == 0) return server_default;
  return found.route->options.body_bytes_max;
}

std::size_t Router::body_limit_max(std::size_t server_default) const {
  std::size_t largest = server_default;
  for (const auto& route : routes_) largest = std::max(largest, route.options.body_bytes_max);
  return largest;
}

}  // namespace roost::api::http
