#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/limits.hpp"

namespace roost::api::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port (tests)
  int io_threads = 1;
  std::size_t body_bytes_max = core::limits::request_body_bytes_max_default;
  std::chrono::milliseconds header_timeout = core::limits::header_read_timeout_default;
  std::chrono::milliseconds body_timeout = core::limits::body_read_timeout_default;
  std::chrono::milliseconds idle_timeout = core::limits::idle_keep_alive_timeout;
  std::chrono::milliseconds shutdown_grace = core::limits::shutdown_grace_default;
  bool access_log = true;
  // How often a connected event-stream client's credential and audiences are checked again.
  std::chrono::milliseconds events_recheck_interval = core::limits::events_recheck_interval_default;
  // A presence on an inbox item that its client does not refresh within this is told as left.
  std::chrono::milliseconds presence_ttl = core::limits::presence_ttl_default;
};

}  // namespace roost::api::http
