#pragma once

#include <filesystem>

#include "api/http/blocking_executor.hpp"
#include "api/http/router.hpp"

namespace roost::api::http {

// Serves the built web UI from the web root: files as they are, hashed assets under
// /assets/ with a year-long immutable cache, and index.html for any other path without a
// file extension (client-side routes of the single-page app).
class StaticFiles {
 public:
  StaticFiles(std::filesystem::path web_root, BlockingExecutor& blocking)
      : web_root_(std::move(web_root)), blocking_(blocking) {}
  void register_routes(Router& router);

 private:
  Awaitable<Response> serve(Request request);
  Response read(const std::string& path) const;

  std::filesystem::path web_root_;
  BlockingExecutor& blocking_;
};

}  // namespace roost::api::http
