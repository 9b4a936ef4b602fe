// The TOTP repository's contract, on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/session_repository.hpp"
#include "storage/totp_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t totp_now_ms = 1'000'000;
constexpr std::int64_t far_future_ms = 9'000'000;

class TotpRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    users_ = std::make_unique<UserRepository>(database());
    sessions_ = std::make_unique<SessionRepository>(database());
    totp_ = std::make_unique<TotpRepository>(database());
    auto ada = users_->create({"ada@example.com", "ada@example.com", "Ada", "$argon2id$x", 1});
    ASSERT_TRUE(succeeded(ada));
    ada_ = ada->id;
    auto grace =
        users_->create({"grace@example.com", "grace@example.com", "Grace", "$argon2id$x", 1});
    ASSERT_TRUE(succeeded(grace));
    grace_ = grace->id;
  }

  SessionRecord open_session(core::UserId user, const std::string& name) {
    auto created = sessions_->create({"public-" + name, "hash-" + name, user, "csrf", totp_now_ms,
                                      far_future_ms, far_future_ms, "agent", "192.0.2.1"});
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? *created : SessionRecord{};
  }

  bool session_active(core::SessionId id) {
    auto found = sessions_->find(id);
    EXPECT_TRUE(succeeded(found));
    return found.ok() && found->has_value() && (*found)->active_at(totp_now_ms + 1);
  }

  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<SessionRepository> sessions_;
  std::unique_ptr<TotpRepository> totp_;
  core::UserId ada_;
  core::UserId grace_;
};

TEST_P(TotpRepositoryContract, EnrollmentIsPendingUntilEnabled) {
  EXPECT_FALSE(totp_->find(ada_)->has_value());
  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed-1", totp_now_ms)));
  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed-2", totp_now_ms)));  // replaces
  auto pending = totp_->find(ada_);
  ASSERT_TRUE(succeeded(pending));
  ASSERT_TRUE(pending->has_value());
  EXPECT_EQ((*pending)->sealed_secret, "sealed-2");
  EXPECT_FALSE((*pending)->enabled_at_ms.has_value());
  // A pending enrollment accepts no step: it is not on.
  auto step = totp_->use_step(ada_, 5);
  ASSERT_TRUE(succeeded(step));
  EXPECT_FALSE(*step);
  EXPECT_FALSE(totp_->find(grace_)->has_value());
}

TEST_P(TotpRepositoryContract, EnableStoresCodesAndRevokesOtherSessions) {
  auto kept = open_session(ada_, "kept");
  auto other = open_session(ada_, "other");
  auto graces = open_session(grace_, "grace");
  auto none = totp_->enable(ada_, 10, {"h1"}, totp_now_ms, kept.id);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, core::ErrorCode::conflict);

  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed", totp_now_ms)));
  ASSERT_TRUE(succeeded(totp_->enable(ada_, 10, {"h1", "h2", "h3"}, totp_now_ms, kept.id)));
  auto enabled = totp_->find(ada_);
  ASSERT_TRUE(succeeded(enabled));
  EXPECT_EQ((*enabled)->enabled_at_ms, totp_now_ms);
  EXPECT_EQ((*enabled)->last_used_step, 10);
  EXPECT_EQ(*totp_->unused_recovery_codes(ada_), 3);
  EXPECT_TRUE(session_active(kept.id));
  EXPECT_FALSE(session_active(other.id));
  EXPECT_TRUE(session_active(graces.id));
  // On: a new enrollment is refused, and so is enabling twice.
  auto again = totp_->start_enrollment(ada_, "sealed-2", totp_now_ms);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(totp_->find(ada_)->value().sealed_secret, "sealed");
  auto twice = totp_->enable(ada_, 11, {"h4"}, totp_now_ms, kept.id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, core::ErrorCode::conflict);
}

TEST_P(TotpRepositoryContract, StepsOnlyMoveForward) {
  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed", totp_now_ms)));
  ASSERT_TRUE(succeeded(totp_->enable(ada_, 10, {}, totp_now_ms, core::SessionId{})));
  EXPECT_FALSE(*totp_->use_step(ada_, 10));  // the confirming code's step: a replay
  EXPECT_FALSE(*totp_->use_step(ada_, 9));
  EXPECT_TRUE(*totp_->use_step(ada_, 11));
  EXPECT_FALSE(*totp_->use_step(ada_, 11));
  EXPECT_EQ(totp_->find(ada_)->value().last_used_step, 11);
}

TEST_P(TotpRepositoryContract, RecoveryCodesAreSingleUseAndReplaced) {
  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed", totp_now_ms)));
  ASSERT_TRUE(succeeded(totp_->enable(ada_, 1, {"h1", "h2"}, totp_now_ms, core::SessionId{})));
  EXPECT_FALSE(*totp_->use_recovery_code(grace_, "h1", totp_now_ms));  // not Grace's
  EXPECT_TRUE(*totp_->use_recovery_code(ada_, "h1", totp_now_ms));
  EXPECT_FALSE(*totp_->use_recovery_code(ada_, "h1", totp_now_ms));
  EXPECT_EQ(*totp_->unused_recovery_codes(ada_), 1);
  ASSERT_TRUE(succeeded(totp_->replace_recovery_codes(ada_, {"n1", "n2", "n3"})));
  EXPECT_FALSE(*totp_->use_recovery_code(ada_, "h2", totp_now_ms));
  EXPECT_EQ(*totp_->unused_recovery_codes(ada_), 3);
}

TEST_P(TotpRepositoryContract, DisableDropsEverythingAndRevokesOtherSessions) {
  auto kept = open_session(ada_, "kept");
  ASSERT_TRUE(succeeded(totp_->start_enrollment(ada_, "sealed", totp_now_ms)));
  ASSERT_TRUE(succeeded(totp_->enable(ada_, 1, {"h1"}, totp_now_ms, kept.id)));
  auto other = open_session(ada_, "other");
  ASSERT_TRUE(succeeded(totp_->disable(ada_, totp_now_ms, kept.id)));
  EXPECT_FALSE(totp_->find(ada_)->has_value());
  EXPECT_EQ(*totp_->unused_recovery_codes(ada_), 0);
  EXPECT_TRUE(session_active(kept.id));
  EXPECT_FALSE(session_active(other.id));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, TotpRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, TotpRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
