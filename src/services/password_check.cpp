#include "services/password_check.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/password_hash.hpp"
#include "domain/email_address.hpp"
#include "domain/login_throttle.hpp"
#include "domain/text.hpp"

namespace roost::services {
namespace {

constexpr std::int64_t ms_per_second = 1000;

domain::ThrottleState to_state(const storage::LoginThrottleRecord& record) {
  return {record.consecutive_failures, record.window_failures, record.window_started_at_ms,
          record.last_failure_at_ms, record.locked_until_ms};
}

storage::LoginThrottleRecord to_record(const domain::ThrottleState& state) {
  return {state.consecutive_failures, state.window_failures, state.window_started_at_ms,
          state.last_failure_at_ms, state.locked_until_ms};
}

}  // namespace

std::string login_account_subject(std::string_view email) {
  auto parsed = domain::EmailAddress::parse(email);
  if (parsed) return "account:" + parsed->lookup_key();
  std::string key(domain::trim(email).substr(0, core::limits::session_user_agent_bytes_max));
  for (char& c : key) {
    c = core::ascii_lower(c);
    if (c < ' ' || c > '~') c = '?';
  }
  return "account:" + key;
}

core::Result<storage::UserRecord> PasswordCheck::confirm(core::UserId user,
                                                         std::string_view password,
                                                         std::string_view field) {
  auto found = users_.find(user);
  if (!found) return std::move(found).error();
  if (!found->has_value()) {
    return core::make_error(core::ErrorCode::unauthenticated,
                            "the session has expired or was revoked; log in again");
  }
  const auto subject = login_account_subject((*found)->email);
  const auto now_ms = clock_.now_ms();
  auto throttle = throttles_.find(subject);
  if (!throttle) return std::move(throttle).error();
  if (throttle->has_value()) {
    auto remaining_ms = domain::lockout_remaining_ms(to_state(**throttle), now_ms);
    if (remaining_ms > 0) {
      auto error = core::make_error(core::ErrorCode::rate_limited,
                                    "too many failed logins; try again later");
      error.retry_after_seconds = (remaining_ms + ms_per_second - 1) / ms_per_second;
      return error;
    }
  }
  if (!core::verify_password(password, (*found)->password_hash)) {
    auto policy = domain::account_throttle_policy();
    auto recorded = throttles_.update(
        subject, [policy, now_ms](const std::optional<storage::LoginThrottleRecord>& current) {
          auto state = current ? to_state(*current) : domain::ThrottleState{};
          return to_record(domain::after_failure(state, policy, now_ms));
        });
    if (!recorded) return std::move(recorded).error();
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "the password is wrong");
    error.details.push_back({std::string(field), "is wrong", 0, 0});
    return error;
  }
  return std::move(**found);
}

}  // namespace roost::services
