#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/login_throttle_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

// The login throttle's subject for an account: derived from the email as typed, whether or
// not an account exists, so that throttling does not reveal which emails have one.
std::string login_account_subject(std::string_view email);

// "Type your password again" before a sensitive change of a signed-in user's account (two-
// factor settings). A wrong password counts as a failed login of the account, so a stolen
// session cannot be used to guess the password unthrottled. Blocking (argon2id).
class PasswordCheck {
 public:
  PasswordCheck(storage::UserRepository& users, storage::LoginThrottleRepository& throttles,
                const core::Clock& clock)
      : users_(users), throttles_(throttles), clock_(clock) {}

  // The user when `password` is theirs. Wrong: ErrorCode::invalid_request naming `field`;
  // while the account is locked out: ErrorCode::rate_limited; no such user: unauthenticated.
  core::Result<storage::UserRecord> confirm(core::UserId user, std::string_view password,
                                            std::string_view field);

 private:
  storage::UserRepository& users_;
  storage::LoginThrottleRepository& throttles_;
  const core::Clock& clock_;
};

}  // namespace roost::services
