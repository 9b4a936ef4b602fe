#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// The failed-login counters of one subject ("account:<email key>" or "ip:<address>").
struct LoginThrottleRecord {
  std::int64_t consecutive_failures = 0;
  std::int64_t window_failures = 0;
  std::int64_t window_started_at_ms = 0;
  std::int64_t last_failure_at_ms = 0;
  std::int64_t locked_until_ms = 0;
};

using LoginThrottleUpdate =
    std::function<LoginThrottleRecord(const std::optional<LoginThrottleRecord>& current)>;

class LoginThrottleRepository {
 public:
  explicit LoginThrottleRepository(Database& database) : database_(database) {}
  core::Result<std::optional<LoginThrottleRecord>> find(const std::string& subject);
  // Reads the subject's record, stores next(record), and returns it, in one transaction.
  core::Result<LoginThrottleRecord> update(const std::string& subject,
                                           const LoginThrottleUpdate& next);
  core::Result<void> reset(const std::string& subject);
  // Forgets subjects whose last failure is older than before_ms (they would start afresh
  // anyway): random emails tried once must not grow the table forever.
  core::Result<void> purge(std::int64_t before_ms);

 private:
  Database& database_;
};

}  // namespace roost::storage
