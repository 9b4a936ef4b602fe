#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/accounts.hpp"
#include "services/two_factor.hpp"
#include "storage/login_throttle_repository.hpp"
#include "storage/session_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::services {

struct LogIn {
  std::string email;
  std::string password;
  std::string user_agent;
  std::string ip;                     // the client's address, as the API layer resolved it
  SecondFactorProof second_factor{};  // for an account with two-factor authentication
};

// A session as its owner sees it: never the token, never its hash.
struct SessionView {
  core::SessionId id;     // internal; not shown by the API
  std::string public_id;  // what the API shows and DELETE /api/v1/sessions/{id} takes
  std::int64_t created_at_ms = 0;
  std::int64_t last_seen_at_ms = 0;
  std::int64_t expires_at_ms = 0;  // the earlier of the idle and the absolute expiry
  std::string user_agent;
  std::string ip;
  bool current = false;
};

struct LoggedIn {
  std::string token;  // for the cookie only: shown once, stored hashed
  std::string csrf_token;
  SessionView session;
  Account user;
};

struct CurrentSession {
  std::string csrf_token;
  SessionView session;
  Account user;
};

struct AuthenticatedSession {
  core::UserId user_id;
  core::SessionId session_id;
  std::string csrf_token;
};

struct PasswordChange {
  std::string current_password;
  std::string new_password;
};

// Logins, sessions and the password that guards them. Blocking (argon2id and the
// database): call through the blocking executor.
class Sessions {
 public:
  Sessions(storage::UserRepository& users, storage::SessionRepository& sessions,
           storage::LoginThrottleRepository& throttles, const core::Clock& clock,
           TwoFactor* two_factor = nullptr)
      : users_(users),
        sessions_(sessions),
        throttles_(throttles),
        clock_(clock),
        two_factor_(two_factor) {}

  // A wrong email and a wrong password are the same ErrorCode::unauthenticated, in about
  // the same time (an unknown email still costs one argon2id verification). While the
  // account or the address is locked out: ErrorCode::rate_limited with retry_after_seconds.
  // With two-factor on, the right password alone is ErrorCode::totp_required (no failure
  // counted); a wrong or replayed code is ErrorCode::unauthenticated and counts as a failure.
  core::Result<LoggedIn> log_in(const LogIn& request);
  // The session a cookie's token names, if it is active: ErrorCode::unauthenticated if not.
  core::Result<AuthenticatedSession> authenticate(std::string_view token);
  core::Result<void> log_out(core::SessionId session);
  core::Result<CurrentSession> current(core::UserId user, core::SessionId session);
  core::Result<std::vector<SessionView>> list(core::UserId user, core::SessionId current);
  // Another user's session, or one that is no longer active, is ErrorCode::not_found.
  core::Result<void> revoke(core::UserId user, const std::string& public_id);
  core::Result<Account> me(core::UserId user);
  // A wrong current password is ErrorCode::invalid_request naming current_password (the
  // session is fine; a 401 would tell clients to log in again), and counts as a failed
  // login of the account. Every other session of the user is revoked; `keep` stays.
  core::Result<void> change_password(core::UserId user, core::SessionId keep,
                                     const PasswordChange& change);

 private:
  core::Result<void> check_not_locked_out(const std::vector<std::string>& subjects,
                                          std::int64_t now_ms);
  core::Result<void> record_failure(const std::string& account_subject,
                                    const std::string& ip_subject, std::int64_t now_ms);
  core::Result<LoggedIn> open_session(const storage::UserRecord& user, const LogIn& request,
                                      std::int64_t now_ms);

  storage::UserRepository& users_;
  storage::SessionRepository& sessions_;
  storage::LoginThrottleRepository& throttles_;
  const core::Clock& clock_;
  TwoFactor* two_factor_;  // null: no account has two-factor (tests of sessions alone)
};

}  // namespace roost::services
