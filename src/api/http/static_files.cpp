#include "api/http/static_files.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

#include "api/http/error_mapper.hpp"

namespace roost::api::http {
namespace {

constexpr std::uintmax_t static_file_bytes_max = 16 * 1024 * 1024;

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

}  // namespace

void StaticFiles::register_routes(Router& router) {
  RouteOptions options;
  options.fallback = true;
  router.add(
      Method::get, "/{static}", [this](Request r) { return serve(std::move(r)); }, options);
}

Awaitable<Response> StaticFiles::serve(Request request) {
  auto work = [this, path = std::move(request.path)] { return read(path); };
  co_return co_await blocking_.run(std::move(work));
}

Response StaticFiles::read(const std::string& path) const {
  // Refuse anything that could climb out of the web root before touching the disk.
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos) {
    return not_found(path);
  }
  std::filesystem::path relative = path == "/" ? "index.html" : path.substr(1);
  std::filesystem::path file = web_root_ / relative;
  std::error_code error;
  bool is_file = std::filesystem::is_regular_file(file, error);
  bool immutable = path.starts_with("/assets/");
  if (!is_file) {
    if (relative.has_extension()) return not_found(path);
    file = web_root_ / "index.html";
    immutable = false;
    if (!std::filesystem::is_regular_file(file, error)) return not_found(path);
  }
  auto size = std::filesystem::file_size(file, error);
  if (error || size > static_file_bytes_max) return not_found(path);
  std::ifstream input(file, std::ios::binary);
  std::ostringstream contents;
  contents << input.rdbuf();
  Response response;
  response.content_type = std::string(content_type_for(file));
  response.body = std::move(contents).str();
  response.headers.push_back(
      {"cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache"});
  return response;
}

}  // namespace roost::api::http
