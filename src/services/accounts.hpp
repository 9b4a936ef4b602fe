#pragma once

#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

struct SignUp {
  std::string email;
  std::string display_name;
  std::string password;
};

struct Account {
  core::UserId id;
  std::string email;
  std::string display_name;
  std::int64_t created_at_ms = 0;
  bool two_factor_enabled = false;  // filled in where the caller can see it (/me, login)
};

// Accounts: sign-up now; login, sessions, tokens and two-factor join with the identity work.
// Blocking (argon2id and the database): call through the blocking executor.
class Accounts {
 public:
  Accounts(storage::UserRepository& users, const core::Clock& clock)
      : users_(users), clock_(clock) {}

  // Validates everything before hashing (the expensive step), then creates the account.
  // An email that has an account already is ErrorCode::conflict.
  core::Result<Account> sign_up(const SignUp& request);
  // The operator's reset (no current password): the same password rules as sign-up; every
  // session of the user is revoked. An unknown email is ErrorCode::not_found.
  core::Result<Account> reset_password(const std::string& email, const std::string& password);

 private:
  storage::UserRepository& users_;
  const core::Clock& clock_;
};

}  // namespace roost::services
