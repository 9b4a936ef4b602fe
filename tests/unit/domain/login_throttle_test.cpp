#include "domain/login_throttle.hpp"

#include <gtest/gtest.h>

#include "core/limits.hpp"

namespace roost::domain {
namespace {

constexpr std::int64_t second_ms = 1000;

ThrottlePolicy small_policy() { return {3, 10, 2 * second_ms, 60 * second_ms, 3600 * second_ms}; }

ThrottleState fail_times(ThrottleState state, int count, std::int64_t now_ms,
                         const ThrottlePolicy& policy = small_policy()) {
  for (int index = 0; index < count; ++index) state = after_failure(state, policy, now_ms);
  return state;
}

TEST(LoginThrottle, FreeFailuresDoNotLockOut) {
  auto state = fail_times({}, 3, 5000);
  EXPECT_EQ(state.consecutive_failures, 3);
  EXPECT_EQ(lockout_remaining_ms(state, 5000), 0);
}

TEST(LoginThrottle, LockoutDoublesPerFailureUpToTheCap) {
  auto state = fail_times({}, 4, 5000);
  EXPECT_EQ(lockout_remaining_ms(state, 5000), 2 * second_ms);
  EXPECT_EQ(lockout_remaining_ms(state, 6000), 1 * second_ms);
  EXPECT_EQ(lockout_remaining_ms(state, 7000), 0);
  state = after_failure(state, small_policy(), 7000);
  EXPECT_EQ(lockout_remaining_ms(state, 7000), 4 * second_ms);
  state = after_failure(state, small_policy(), 7000);
  EXPECT_EQ(lockout_remaining_ms(state, 7000), 8 * second_ms);
  auto policy = small_policy();
  policy.failures_per_window_max = 1000;
  state = fail_times({}, 200, 7000, policy);  // far past any doubling: the cap, no overflow
  EXPECT_EQ(lockout_remaining_ms(state, 7000), 60 * second_ms);
}

TEST(LoginThrottle, WindowMaximumLocksUntilTheWindowEnds) {
  auto policy = small_policy();
  policy.lockout_max_ms = 1;  // only the window cap can lock for long
  ThrottleState state;
  for (int index = 0; index < 9; ++index) state = after_failure(state, policy, index * second_ms);
  EXPECT_LE(lockout_remaining_ms(state, 9 * second_ms), 1);
  state = after_failure(state, policy, 9 * second_ms);
  EXPECT_EQ(state.window_failures, 10);
  EXPECT_EQ(lockout_remaining_ms(state, 9 * second_ms), 3600 * second_ms - 9 * second_ms);
}

TEST(LoginThrottle, AQuietWindowStartsAfresh) {
  auto state = fail_times({}, 6, 5000);
  std::int64_t later = 5000 + 3600 * second_ms;
  state = after_failure(state, small_policy(), later);
  EXPECT_EQ(state.consecutive_failures, 1);
  EXPECT_EQ(state.window_failures, 1);
  EXPECT_EQ(state.window_started_at_ms, later);
  EXPECT_EQ(lockout_remaining_ms(state, later), 0);
}

TEST(LoginThrottle, ProductPoliciesMatchTheLimits) {
  EXPECT_EQ(account_throttle_policy().failures_per_window_max, 100);
  auto state =
      fail_times({}, core::limits::login_account_failures_free, 0, account_throttle_policy());
  EXPECT_EQ(lockout_remaining_ms(state, 0), 0);
  state = after_failure(state, account_throttle_policy(), 0);
  EXPECT_EQ(lockout_remaining_ms(state, 0), core::limits::login_lockout_base.count());
  EXPECT_GT(ip_throttle_policy().failures_free, account_throttle_policy().failures_free);
}

}  // namespace
}  // namespace roost::domain
