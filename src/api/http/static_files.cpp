#include "api/http/static_files.hpp"

#include <fstream>
#include <iterator>

#include "api/http/error_mapper.hpp"
#include "api/http/etag.hpp"
#include "core/limits.hpp"
#include "core/tokens.hpp"

namespace roost::api::http {
namespace {

constexpr std::string_view immutable_cache = "public, max-age=31536000, immutable";
// index.html names the current hashed assets: always revalidated (cheaply, by ETag), so
// that a deploy is picked up on the next load.
constexpr std::string_view revalidate_cache = "no-cache";

std::string_view content_type_for(const std::filesystem::path& file) {
  auto extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".map") return "application/json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".jpg" || extension == ".jpeg") return "image/jpeg";
  if (extension == ".webp") return "image/webp";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Response not_found(const std::string& path) {
  return error_response(core::make_error(core::ErrorCode::not_found, "no file at " + path));
}

bool is_safe_segment(std::string_view segment) {
  if (segment.empty() || segment.front() == '.') return false;
  return segment.find_first_of(std::string_view("\\:\0", 3)) == std::string_view::npos;
}

}  // namespace

std::optional<std::filesystem::path> StaticFiles::relative_path_of(std::string_view url_path) {
  if (!url_path.starts_with('/')) return std::nullopt;
  if (url_path == "/") return std::filesystem::path("index.html");
  std::filesystem::path relative;
  std::string_view rest = url_path.substr(1);
  while (true) {
    auto slash = rest.find('/');
    auto segment = rest.substr(0, slash);
    // A trailing slash ("/orgs/3/") names the same client-side route as without it.
    if (segment.empty() && slash == std::string_view::npos) break;
    if (!is_safe_segment(segment)) return std::nullopt;
    relative /= std::filesystem::path(std::string(segment));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return relative;
}

void StaticFiles::register_routes(Router& router) {
  RouteOptions options;
  options.fallback = true;
  router.add(
      Method::get, "/{static}", [this](Request r) { return serve(std::move(r)); }, options);
}

Awaitable<Response> StaticFiles::serve(Request request) {
  std::optional<std::string> if_none_match;
  if (auto header = request.header("if-none-match")) if_none_match = std::string(*header);
  auto work = [this, path = std::move(request.path), if_none_match = std::move(if_none_match)] {
    return read(path, if_none_match);
  };
  co_return co_await blocking_.run(std::move(work));
}

Response StaticFiles::read(const std::string& path,
                           std::optional<std::string> if_none_match) const {
  auto relative = relative_path_of(path);
  if (!relative) return not_found(path);
  std::filesystem::path file = web_root_ / *relative;
  std::error_code error;
  bool immutable = path.starts_with("/assets/");
  if (!std::filesystem::is_regular_file(file, error)) {
    // A missing file with an extension is a broken link, not a client-side route.
    if (relative->has_extension()) return not_found(path);
    file = web_root_ / "index.html";
    immutable = false;
    if (!std::filesystem::is_regular_file(file, error)) return not_found(path);
  }
  auto size = std::filesystem::file_size(file, error);
  if (error || size > core::limits::static_file_bytes_max) return not_found(path);
  std::ifstream input(file, std::ios::binary);
  if (!input.is_open()) return not_found(path);
  std::string body(std::istreambuf_iterator<char>(input), {});

  Response response;
  response.content_type = std::string(content_type_for(file));
  std::string etag = core::quoted(core::hash_token(body).substr(0, 32));
  response.headers.push_back({"etag", etag});
  response.headers.push_back(
      {"cache-control", std::string(immutable ? immutable_cache : revalidate_cache)});
  response.headers.push_back({"x-content-type-options", "nosniff"});
  if (if_none_match_matches(if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  response.body = std::move(body);
  return response;
}

}  // namespace roost::api::http
