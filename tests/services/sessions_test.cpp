// services::Sessions with a fake clock: expiry, the once-a-minute touch, and throttling.
#include "services/sessions.hpp"

#include <gtest/gtest.h>

#include "../storage/scratch_database.hpp"
#include "core/limits.hpp"
#include "core/random.hpp"
#include "services/password_check.hpp"
#include "storage/migrations.hpp"

namespace roost::services {
namespace {

using std::chrono::milliseconds;

class FakeClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(milliseconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_{milliseconds(1'700'000'000'000)};
};

constexpr std::string_view password = "correct horse battery";

class SessionsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::initialize_crypto();
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    users_ = std::make_unique<storage::UserRepository>(*database_);
    records_ = std::make_unique<storage::SessionRepository>(*database_);
    throttles_ = std::make_unique<storage::LoginThrottleRepository>(*database_);
    accounts_ = std::make_unique<Accounts>(*users_, clock_);
    sessions_ = std::make_unique<Sessions>(*users_, *records_, *throttles_, clock_);
    ASSERT_TRUE(accounts_->sign_up({"ada@example.com", "Ada", std::string(password)}).ok());
  }

  core::Result<LoggedIn> log_in(std::string_view with = password) {
    return sessions_->log_in({"ada@example.com", std::string(with), "test", "192.0.2.1"});
  }

  FakeClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::UserRepository> users_;
  std::unique_ptr<storage::SessionRepository> records_;
  std::unique_ptr<storage::LoginThrottleRepository> throttles_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Sessions> sessions_;
};

TEST_F(SessionsServiceTest, IdleSessionExpiresAndUseKeepsItAlive) {
  auto login = log_in();
  ASSERT_TRUE(login.ok());
  clock_.advance(core::limits::session_idle_timeout - milliseconds(1));
  ASSERT_TRUE(sessions_->authenticate(login->token).ok());  // touched: idle expiry moves
  clock_.advance(core::limits::session_idle_timeout - milliseconds(1));
  ASSERT_TRUE(sessions_->authenticate(login->token).ok());
  clock_.advance(core::limits::session_idle_timeout);
  auto expired = sessions_->authenticate(login->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, core::ErrorCode::unauthenticated);
}

TEST_F(SessionsServiceTest, AbsoluteLifetimeEndsEvenABusySession) {
  auto login = log_in();
  ASSERT_TRUE(login.ok());
  const auto step = core::limits::session_idle_timeout / 2;
  auto elapsed = milliseconds(0);
  while (elapsed + step < core::limits::session_absolute_lifetime) {
    clock_.advance(step);
    elapsed += step;
    ASSERT_TRUE(sessions_->authenticate(login->token).ok());
  }
  clock_.advance(core::limits::session_absolute_lifetime - elapsed);
  EXPECT_FALSE(sessions_->authenticate(login->token).ok());
}

TEST_F(SessionsServiceTest, LastSeenIsWrittenAtMostOnceAMinute) {
  auto login = log_in();
  ASSERT_TRUE(login.ok());
  auto created = login->session.last_seen_at_ms;
  clock_.advance(core::limits::session_touch_interval - milliseconds(1));
  ASSERT_TRUE(sessions_->authenticate(login->token).ok());
  auto list = sessions_->list(login->user.id, login->session.id);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)[0].last_seen_at_ms, created);
  clock_.advance(milliseconds(1));
  ASSERT_TRUE(sessions_->authenticate(login->token).ok());
  list = sessions_->list(login->user.id, login->session.id);
  EXPECT_EQ((*list)[0].last_seen_at_ms, created + core::limits::session_touch_interval.count());
}

TEST_F(SessionsServiceTest, GarbageTokensAreUnauthenticated) {
  EXPECT_EQ(sessions_->authenticate("").error().code, core::ErrorCode::unauthenticated);
  EXPECT_EQ(sessions_->authenticate(std::string(1000, 'a')).error().code,
            core::ErrorCode::unauthenticated);
  EXPECT_EQ(sessions_->authenticate("not-a-token").error().code, core::ErrorCode::unauthenticated);
}

// Failed logins are throttled per account subject: spellings of one address share it, and
// whatever else was typed is kept as printable ASCII, folded so that case cannot dodge it.
TEST(LoginAccountSubject, OneSubjectPerAddressWhateverTheCase) {
  EXPECT_EQ(login_account_subject(" Ada@Example.COM "), "account:ada@example.com");
  EXPECT_EQ(login_account_subject("ADA@example.com"), login_account_subject("ada@EXAMPLE.com"));
  // Not an address: trimmed, ASCII letters folded, each byte of "\xC3\x89" (É) and the tab
  // replaced.
  EXPECT_EQ(login_account_subject("  Not An \xC3\x89mail\tADDRESS "),
            "account:not an ??mail?address");
}

TEST_F(SessionsServiceTest, LockoutEndsWithTimeAndSuccessResetsTheAccount) {
  for (int failure = 0; failure <= core::limits::login_account_failures_free; ++failure) {
    EXPECT_EQ(log_in("wrong password").error().code, core::ErrorCode::unauthenticated);
  }
  auto locked = log_in();
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, core::ErrorCode::rate_limited);
  EXPECT_EQ(
      locked.error().retry_after_seconds,
      std::chrono::duration_cast<std::chrono::seconds>(core::limits::login_lockout_base).count());
  clock_.advance(core::limits::login_lockout_base);
  ASSERT_TRUE(log_in().ok());
  // The success reset the account: one more failure is free again.
  EXPECT_EQ(log_in("wrong password").error().code, core::ErrorCode::unauthenticated);
  EXPECT_TRUE(log_in().ok());
}

}  // namespace
}  // namespace roost::services
