#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"

namespace roost::api::http {

// Serves the built web UI from the web root: files as they are, hashed assets under
// /assets/ with a year-long immutable cache, and index.html (never cached without
// revalidation) for any other path without a file extension: the client-side routes of
// the single-page app. Every file has a content ETag; If-None-Match gets a 304.
class StaticFiles {
 public:
  StaticFiles(std::filesystem::path web_root, BlockingExecutor& blocking)
      : web_root_(std::move(web_root)), blocking_(blocking) {}
  void register_routes(Router& router);

  // The file under the web root that a URL path names, or nothing when the path could
  // leave the root or name a hidden file: no empty (but a trailing), ".", ".." or dot-led
  // segment, no backslash, NUL or colon. Pure: touches no disk.
  static std::optional<std::filesystem::path> relative_path_of(std::string_view url_path);

 private:
  Awaitable<Response> serve(Request request);
  Response read(const std::string& path, std::optional<std::string> if_none_match) const;

  std::filesystem::path web_root_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
