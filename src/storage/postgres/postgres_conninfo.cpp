#include "storage/postgres/postgres_conninfo.hpp"

#include <chrono>

#include "core/limits.hpp"

namespace roost::storage::postgres {

std::string conninfo_with_defaults(
    const std::string& conninfo,
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  const bool url = conninfo.find("://") != std::string::npos;
  std::string out = conninfo;
  for (const auto& [name, value] : parameters) {
    const std::string key = name + "=";
    bool present = false;
    for (std::size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + 1)) {
      const char before = at == 0 ? ' ' : out[at - 1];
      if (before == '?' || before == '&' || before == ' ') present = true;
    }
    if (present) continue;
    if (url) {
      out += out.find('?') == std::string::npos ? '?' : '&';
    } else if (!out.empty()) {
      out += ' ';
    }
    out += key + value;
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> held_connection_parameters(
    long connect_timeout_seconds) {
  using namespace std::chrono;
  return {
      {"keepalives", "1"},
      {"keepalives_idle",
       std::to_string(duration_cast<seconds>(core::limits::leader_lock_keepalive_idle).count())},
      {"keepalives_interval",
       std::to_string(
           duration_cast<seconds>(core::limits::leader_lock_keepalive_interval).count())},
      {"keepalives_count", std::to_string(core::limits::leader_lock_keepalive_count)},
      {"tcp_user_timeout", std::to_string(core::limits::leader_lock_tcp_user_timeout.count())},
      {"connect_timeout", std::to_string(connect_timeout_seconds)},
  };
}

}  // namespace roost::storage::postgres
