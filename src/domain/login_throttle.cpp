#include "domain/login_throttle.hpp"

#include <algorithm>

#include "core/limits.hpp"

namespace roost::domain {
namespace {

// Doubling beyond 2^30 times the base overflows long before it matters: the cap is hit.
constexpr std::int64_t doublings_max = 30;

std::int64_t lockout_ms(std::int64_t consecutive_failures, const ThrottlePolicy& policy) {
  if (consecutive_failures <= policy.failures_free) return 0;
  std::int64_t doublings = std::min(consecutive_failures - policy.failures_free - 1, doublings_max);
  return std::min(policy.lockout_base_ms << doublings, policy.lockout_max_ms);
}

}  // namespace

ThrottlePolicy account_throttle_policy() {
  using namespace core::limits;
  return {login_account_failures_free, login_account_failures_per_window_max,
          login_lockout_base.count(), login_lockout_max.count(), login_failure_window.count()};
}

ThrottlePolicy ip_throttle_policy() {
  using namespace core::limits;
  return {login_ip_failures_free, login_ip_failures_per_window_max, login_lockout_base.count(),
          login_lockout_max.count(), login_failure_window.count()};
}

ThrottleState after_failure(const ThrottleState& state, const ThrottlePolicy& policy,
                            std::int64_t now_ms) {
  ThrottleState next = state;
  if (state.window_failures == 0 || now_ms - state.window_started_at_ms >= policy.window_ms) {
    next.window_started_at_ms = now_ms;
    next.window_failures = 0;
  }
  if (state.consecutive_failures > 0 && now_ms - state.last_failure_at_ms >= policy.window_ms) {
    next.consecutive_failures = 0;
  }
  next.consecutive_failures += 1;
  next.window_failures += 1;
  next.last_failure_at_ms = now_ms;
  next.locked_until_ms = now_ms + lockout_ms(next.consecutive_failures, policy);
  if (next.window_failures >= policy.failures_per_window_max) {
    next.locked_until_ms =
        std::max(next.locked_until_ms, next.window_started_at_ms + policy.window_ms);
  }
  return next;
}

std::int64_t lockout_remaining_ms(const ThrottleState& state, std::int64_t now_ms) {
  return std::max<std::int64_t>(0, state.locked_until_ms - now_ms);
}

}  // namespace roost::domain
