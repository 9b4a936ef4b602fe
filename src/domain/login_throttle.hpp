#pragma once

#include <cstdint>

// The arithmetic of login throttling, without I/O: what one more failure does to a
// subject's counters, and how long the subject stays locked out. services/sessions keeps
// the state in the database and calls these.
namespace roost::domain {

struct ThrottlePolicy {
  std::int64_t failures_free = 0;  // consecutive failures before the first lockout
  std::int64_t failures_per_window_max = 0;
  std::int64_t lockout_base_ms = 0;  // the first lockout; doubled by each further failure
  std::int64_t lockout_max_ms = 0;
  std::int64_t window_ms = 0;
};

ThrottlePolicy account_throttle_policy();
ThrottlePolicy ip_throttle_policy();

struct ThrottleState {
  std::int64_t consecutive_failures = 0;
  std::int64_t window_failures = 0;
  std::int64_t window_started_at_ms = 0;
  std::int64_t last_failure_at_ms = 0;
  std::int64_t locked_until_ms = 0;
};

// The state after one more failure at now_ms. A subject quiet for a whole window starts
// afresh: old failures do not lock out a person who mistypes once a day.
ThrottleState after_failure(const ThrottleState& state, const ThrottlePolicy& policy,
                            std::int64_t now_ms);

// How long the subject is still locked out at now_ms; 0 when it may try.
std::int64_t lockout_remaining_ms(const ThrottleState& state, std::int64_t now_ms);

}  // namespace roost::domain
