#include "services/sessions.hpp"

#include <algorithm>

#include "core/limits.hpp"
#include "core/password_hash.hpp"
#include "core/tokens.hpp"
#include "domain/account_rules.hpp"
#include "domain/email_address.hpp"
#include "domain/login_throttle.hpp"
#include "domain/text.hpp"
#include "services/password_check.hpp"

namespace roost::services {
namespace {

constexpr std::string_view wrong_credentials = "wrong email or password";
constexpr std::int64_t ms_per_second = 1000;

// A hash to verify against when the email has no account, so that an unknown email costs
// the same argon2id work as a wrong password. Made once, with the current cost settings.
const std::string& dummy_password_hash() {
  static const std::string hash = [] {
    auto made = core::hash_password(core::random_token(core::limits::session_token_bytes));
    return made.ok() ? made.value() : std::string{};
  }();
  return hash;
}

// What we keep of a client-supplied string (user agent): printable ASCII, bounded. Both
// databases then store it as text whatever the client sent.
std::string printable_prefix(std::string_view text, std::size_t bytes_max) {
  std::string kept(text.substr(0, bytes_max));
  for (char& c : kept) {
    if (c < ' ' || c > '~') c = '?';
  }
  return kept;
}

// The account subject is derived from what was typed, whether or not an account exists:
// throttling must not reveal which emails have one.
std::string account_subject(std::string_view email) { return login_account_subject(email); }

std::string ip_subject(std::string_view ip) { return "ip:" + std::string(ip); }

domain::ThrottleState to_state(const storage::LoginThrottleRecord& record) {
  return {record.consecutive_failures, record.window_failures, record.window_started_at_ms,
          record.last_failure_at_ms, record.locked_until_ms};
}

storage::LoginThrottleRecord to_record(const domain::ThrottleState& state) {
  return {state.consecutive_failures, state.window_failures, state.window_started_at_ms,
          state.last_failure_at_ms, state.locked_until_ms};
}

SessionView to_view(const storage::SessionRecord& record, core::SessionId current) {
  return SessionView{record.id,
                     record.public_id,
                     record.created_at_ms,
                     record.last_seen_at_ms,
                     std::min(record.idle_expires_at_ms, record.absolute_expires_at_ms),
                     record.user_agent,
                     record.ip,
                     record.id == current};
}

// One more failure of a subject under `policy`, as a read-modify-write of its record.
storage::LoginThrottleUpdate failure_at(domain::ThrottlePolicy policy, std::int64_t now_ms) {
  return [policy, now_ms](const std::optional<storage::LoginThrottleRecord>& current) {
    auto state = current ? to_state(*current) : domain::ThrottleState{};
    return to_record(domain::after_failure(state, policy, now_ms));
  };
}

// Verifies against the dummy hash when there is no user: the same work either way.
bool password_matches(const std::optional<storage::UserRecord>& user, std::string_view password) {
  if (!user) {
    core::verify_password(password, dummy_password_hash());
    return false;
  }
  return core::verify_password(password, user->password_hash);
}

Account to_account(const storage::UserRecord& user) {
  return Account{user.id, user.email, user.display_name, user.created_at_ms, false};
}

core::Error session_gone() {
  return core::make_error(core::ErrorCode::unauthenticated,
                          "the session has expired or was revoked; log in again");
}

}  // namespace

core::Result<void> Sessions::check_not_locked_out(const std::vector<std::string>& subjects,
                                                  std::int64_t now_ms) {
  std::int64_t remaining_ms = 0;
  for (const auto& subject : subjects) {
    auto record = throttles_.find(subject);
    if (!record) return std::move(record).error();
    if (record->has_value()) {
      remaining_ms =
          std::max(remaining_ms, domain::lockout_remaining_ms(to_state(**record), now_ms));
    }
  }
  if (remaining_ms == 0) return core::success();
  auto error =
      core::make_error(core::ErrorCode::rate_limited, "too many failed logins; try again later");
  error.retry_after_seconds = (remaining_ms + ms_per_second - 1) / ms_per_second;
  return error;
}

core::Result<void> Sessions::record_failure(const std::string& account_subject,
                                            const std::string& ip_subject, std::int64_t now_ms) {
  if (auto done =
          throttles_.update(account_subject, failure_at(domain::account_throttle_policy(), now_ms));
      !done) {
    return std::move(done).error();
  }
  if (auto done = throttles_.update(ip_subject, failure_at(domain::ip_throttle_policy(), now_ms));
      !done) {
    return std::move(done).error();
  }
  return throttles_.purge(now_ms - core::limits::login_failure_window.count());
}

core::Result<LoggedIn> Sessions::log_in(const LogIn& request) {
  const auto now_ms = clock_.now_ms();
  const auto account = account_subject(request.email);
  const auto address = ip_subject(request.ip);
  if (auto open = check_not_locked_out({account, address}, now_ms); !open) {
    return std::move(open).error();
  }
  std::optional<storage::UserRecord> user;
  if (auto email = domain::EmailAddress::parse(request.email)) {
    auto found = users_.find_by_email_key(email->lookup_key());
    if (!found) return std::move(found).error();
    user = std::move(found).value();
  }
  if (!password_matches(user, request.password)) {
    if (auto recorded = record_failure(account, address, clock_.now_ms()); !recorded) {
      return std::move(recorded).error();
    }
    return core::make_error(core::ErrorCode::unauthenticated, std::string(wrong_credentials));
  }
  if (two_factor_ != nullptr) {
    auto second = two_factor_->verify_login(user->id, request.second_factor);
    if (!second && second.error().code == core::ErrorCode::unauthenticated) {
      if (auto recorded = record_failure(account, address, clock_.now_ms()); !recorded) {
        return std::move(recorded).error();
      }
    }
    if (!second) return std::move(second).error();
  }
  if (auto reset = throttles_.reset(account); !reset) return std::move(reset).error();
  auto opened = open_session(*user, request, clock_.now_ms());
  if (opened && two_factor_ != nullptr) {
    auto enabled = two_factor_->enabled(user->id);
    if (!enabled) return std::move(enabled).error();
    opened->user.two_factor_enabled = *enabled;
  }
  return opened;
}

core::Result<LoggedIn> Sessions::open_session(const storage::UserRecord& user, const LogIn& request,
                                              std::int64_t now_ms) {
  using namespace core::limits;
  auto token = core::random_token(session_token_bytes);
  storage::NewSession session{core::random_token(session_public_id_bytes),
                              core::hash_token(token),
                              user.id,
                              core::random_token(csrf_token_bytes),
                              now_ms,
                              now_ms + session_idle_timeout.count(),
                              now_ms + session_absolute_lifetime.count(),
                              printable_prefix(request.user_agent, session_user_agent_bytes_max),
                              printable_prefix(request.ip, session_user_agent_bytes_max)};
  auto created = sessions_.create(session);
  if (!created) return std::move(created).error();
  return LoggedIn{std::move(token), created->csrf_token, to_view(*created, created->id),
                  to_account(user)};
}

core::Result<AuthenticatedSession> Sessions::authenticate(std::string_view token) {
  if (token.empty() || token.size() > core::limits::session_token_length_max) {
    return session_gone();
  }
  auto found = sessions_.find_by_token_hash(core::hash_token(token));
  if (!found) return std::move(found).error();
  const auto now_ms = clock_.now_ms();
  if (!found->has_value() || !(*found)->active_at(now_ms)) return session_gone();
  const auto& session = **found;
  if (now_ms - session.last_seen_at_ms >= core::limits::session_touch_interval.count()) {
    auto touched =
        sessions_.touch(session.id, now_ms, now_ms + core::limits::session_idle_timeout.count());
    if (!touched) return std::move(touched).error();
  }
  return AuthenticatedSession{session.user_id, session.id, session.csrf_token};
}

core::Result<void> Sessions::log_out(core::SessionId session) {
  auto revoked = sessions_.revoke(session, clock_.now_ms());
  if (!revoked) return std::move(revoked).error();
  return core::success();
}

core::Result<CurrentSession> Sessions::current(core::UserId user, core::SessionId session) {
  auto found = sessions_.find(session);
  if (!found) return std::move(found).error();
  if (!found->has_value() || (*found)->user_id != user) return session_gone();
  auto account = me(user);
  if (!account) return std::move(account).error();
  return CurrentSession{(*found)->csrf_token, to_view(**found, session), *account};
}

core::Result<std::vector<SessionView>> Sessions::list(core::UserId user, core::SessionId current) {
  auto records =
      sessions_.list_active(user, clock_.now_ms(), core::limits::sessions_per_user_listed_max);
  if (!records) return std::move(records).error();
  std::vector<SessionView> views;
  views.reserve(records->size());
  for (const auto& record : *records) views.push_back(to_view(record, current));
  return views;
}

core::Result<void> Sessions::revoke(core::UserId user, const std::string& public_id) {
  auto revoked = sessions_.revoke_of_user(user, public_id, clock_.now_ms());
  if (!revoked) return std::move(revoked).error();
  if (!*revoked) return core::make_error(core::ErrorCode::not_found, "no such session");
  return core::success();
}

core::Result<Account> Sessions::me(core::UserId user) {
  auto found = users_.find(user);
  if (!found) return std::move(found).error();
  // The session outlived its user only if the user was deleted a moment ago.
  if (!found->has_value()) return session_gone();
  auto account = to_account(**found);
  if (two_factor_ != nullptr) {
    auto enabled = two_factor_->enabled(user);
    if (!enabled) return std::move(enabled).error();
    account.two_factor_enabled = *enabled;
  }
  return account;
}

core::Result<void> Sessions::change_password(core::UserId user, core::SessionId keep,
                                             const PasswordChange& change) {
  auto found = users_.find(user);
  if (!found) return std::move(found).error();
  if (!found->has_value()) return session_gone();
  const auto subject = account_subject((*found)->email);
  const auto now_ms = clock_.now_ms();
  if (auto open = check_not_locked_out({subject}, now_ms); !open) {
    return std::move(open).error();
  }
  if (auto rules = domain::check_password(change.new_password); !rules) {
    core::Error error = std::move(rules).error();
    for (auto& detail : error.details) {
      if (detail.field == "password") detail.field = "new_password";
    }
    return error;
  }
  if (!core::verify_password(change.current_password, (*found)->password_hash)) {
    auto recorded =
        throttles_.update(subject, failure_at(domain::account_throttle_policy(), now_ms));
    if (!recorded) return std::move(recorded).error();
    core::Error error =
        core::make_error(core::ErrorCode::invalid_request, "the current password is wrong");
    error.details.push_back({"current_password", "is wrong", 0, 0});
    return error;
  }
  auto hash = core::hash_password(change.new_password);
  if (!hash) return std::move(hash).error();
  return users_.change_password(user, *hash, clock_.now_ms(), keep);
}

}  // namespace roost::services
