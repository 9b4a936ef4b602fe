// The session and login-throttle repositories' contract, on both backends.
#include <gtest/gtest.h>

#include "migrated_database_test.hpp"
#include "storage/login_throttle_repository.hpp"
#include "storage/migrations.hpp"
#include "storage/session_repository.hpp"
#include "storage/user_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t login_at_ms = 1'000'000;
constexpr std::int64_t idle_expiry_ms = 2'000'000;
constexpr std::int64_t absolute_expiry_ms = 5'000'000;

class SessionRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    users_ = std::make_unique<UserRepository>(database());
    sessions_ = std::make_unique<SessionRepository>(database());
    throttles_ = std::make_unique<LoginThrottleRepository>(database());
    ada_ = make_user("ada@example.com");
    grace_ = make_user("grace@example.com");
  }

  SessionRecord open_session(core::UserId user, const std::string& name) {
    auto created =
        sessions_->create({"public-" + name, "hash-" + name, user, "csrf-" + name, login_at_ms,
                           idle_expiry_ms, absolute_expiry_ms, "agent " + name, "192.0.2.1"});
    EXPECT_TRUE(succeeded(created));
    return created.ok() ? *created : SessionRecord{};
  }

  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<SessionRepository> sessions_;
  std::unique_ptr<LoginThrottleRepository> throttles_;
  core::UserId ada_;
  core::UserId grace_;
};

TEST_P(SessionRepositoryContract, CreateThenFindByTokenHash) {
  auto created = open_session(ada_, "one");
  EXPECT_GT(created.id.value, 0);
  EXPECT_EQ(created.last_seen_at_ms, login_at_ms);
  EXPECT_FALSE(created.revoked_at_ms.has_value());
  auto found = sessions_->find_by_token_hash("hash-one");
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, created.id);
  EXPECT_EQ((*found)->user_id, ada_);
  EXPECT_EQ((*found)->csrf_token, "csrf-one");
  EXPECT_EQ((*found)->user_agent, "agent one");
  EXPECT_EQ((*found)->ip, "192.0.2.1");
  EXPECT_TRUE((*found)->active_at(login_at_ms + 1));
  EXPECT_FALSE((*found)->active_at(idle_expiry_ms));
  auto missing = sessions_->find_by_token_hash("hash-none");
  ASSERT_TRUE(succeeded(missing));
  EXPECT_FALSE(missing->has_value());
}

TEST_P(SessionRepositoryContract, DuplicateTokenHashIsAConflict) {
  open_session(ada_, "one");
  auto again = sessions_->create({"public-other", "hash-one", ada_, "csrf", login_at_ms,
                                  idle_expiry_ms, absolute_expiry_ms, "", ""});
  EXPECT_TRUE(failed_with(again, core::ErrorCode::conflict));
}

TEST_P(SessionRepositoryContract, UnknownUserIsAConflict) {
  auto orphan = sessions_->create({"public-x", "hash-x", core::UserId{424242}, "csrf", login_at_ms,
                                   idle_expiry_ms, absolute_expiry_ms, "", ""});
  EXPECT_TRUE(failed_with(orphan, core::ErrorCode::conflict));
}

TEST_P(SessionRepositoryContract, TouchMovesLastSeenAndIdleExpiry) {
  auto session = open_session(ada_, "one");
  ASSERT_TRUE(succeeded(sessions_->touch(session.id, login_at_ms + 500, idle_expiry_ms + 500)));
  auto found = sessions_->find_by_token_hash("hash-one");
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ((*found)->last_seen_at_ms, login_at_ms + 500);
  EXPECT_EQ((*found)->idle_expires_at_ms, idle_expiry_ms + 500);
}

TEST_P(SessionRepositoryContract, RevokeOnceThenNothingToRevoke) {
  auto session = open_session(ada_, "one");
  auto revoked = sessions_->revoke(session.id, login_at_ms + 10);
  ASSERT_TRUE(succeeded(revoked));
  EXPECT_TRUE(*revoked);
  auto again = sessions_->revoke(session.id, login_at_ms + 20);
  ASSERT_TRUE(succeeded(again));
  EXPECT_FALSE(*again);
  auto found = sessions_->find_by_token_hash("hash-one");
  EXPECT_EQ((*found)->revoked_at_ms, login_at_ms + 10);
  EXPECT_FALSE((*found)->active_at(login_at_ms + 11));
}

TEST_P(SessionRepositoryContract, ListShowsOnlyTheUsersActiveSessionsNewestFirst) {
  open_session(ada_, "one");
  auto second = sessions_->create({"public-two", "hash-two", ada_, "csrf-two", login_at_ms + 1,
                                   idle_expiry_ms, absolute_expiry_ms, "", ""});
  ASSERT_TRUE(succeeded(second));
  auto third = open_session(ada_, "three");
  ASSERT_TRUE(succeeded(sessions_->revoke(third.id, login_at_ms + 2)));
  open_session(grace_, "grace");
  auto listed = sessions_->list_active(ada_, login_at_ms + 3, 10);
  ASSERT_TRUE(succeeded(listed));
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].public_id, "public-two");
  EXPECT_EQ((*listed)[1].public_id, "public-one");
  auto after_idle = sessions_->list_active(ada_, idle_expiry_ms, 10);
  ASSERT_TRUE(succeeded(after_idle));
  EXPECT_TRUE(after_idle->empty());
  auto limited = sessions_->list_active(ada_, login_at_ms + 3, 1);
  ASSERT_TRUE(succeeded(limited));
  EXPECT_EQ(limited->size(), 1u);
}

TEST_P(SessionRepositoryContract, RevokeOfUserNeverTouchesAnotherUsersSession) {
  open_session(ada_, "one");
  auto by_other = sessions_->revoke_of_user(grace_, "public-one", login_at_ms + 1);
  ASSERT_TRUE(succeeded(by_other));
  EXPECT_FALSE(*by_other);
  EXPECT_TRUE((*sessions_->find_by_token_hash("hash-one"))->active_at(login_at_ms + 2));
  auto by_owner = sessions_->revoke_of_user(ada_, "public-one", login_at_ms + 1);
  ASSERT_TRUE(succeeded(by_owner));
  EXPECT_TRUE(*by_owner);
  auto unknown = sessions_->revoke_of_user(ada_, "public-none", login_at_ms + 1);
  ASSERT_TRUE(succeeded(unknown));
  EXPECT_FALSE(*unknown);
}

TEST_P(SessionRepositoryContract, ChangePasswordRevokesEveryOtherSession) {
  auto kept = open_session(ada_, "kept");
  auto other = open_session(ada_, "other");
  auto graces = open_session(grace_, "grace");
  ASSERT_TRUE(succeeded(users_->change_password(ada_, "$argon2id$new", login_at_ms + 5, kept.id)));
  EXPECT_EQ((*users_->find(ada_))->password_hash, "$argon2id$new");
  EXPECT_EQ((*users_->find(ada_))->updated_at_ms, login_at_ms + 5);
  EXPECT_TRUE((*sessions_->find_by_token_hash("hash-kept"))->active_at(login_at_ms + 6));
  EXPECT_FALSE((*sessions_->find_by_token_hash("hash-other"))->active_at(login_at_ms + 6));
  EXPECT_TRUE((*sessions_->find_by_token_hash("hash-grace"))->active_at(login_at_ms + 6));
  EXPECT_TRUE(failed_with(
      users_->change_password(core::UserId{424242}, "$argon2id$x", login_at_ms, kept.id),
      core::ErrorCode::not_found));
  (void)other;
  (void)graces;
}

TEST_P(SessionRepositoryContract, DeletingTheUserDeletesTheirSessions) {
  open_session(ada_, "one");
  auto deleted = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
    auto done = transaction.execute("DELETE FROM users WHERE id = $1", {ada_.value});
    if (!done) return core::Result<void>(std::move(done).error());
    return core::success();
  });
  ASSERT_TRUE(succeeded(deleted));
  auto found = sessions_->find_by_token_hash("hash-one");
  ASSERT_TRUE(succeeded(found));
  EXPECT_FALSE(found->has_value());
}

TEST_P(SessionRepositoryContract, ThrottleUpdateReadsWritesAndResets) {
  auto missing = throttles_->find("account:ada@example.com");
  ASSERT_TRUE(succeeded(missing));
  EXPECT_FALSE(missing->has_value());
  auto increment = [](const std::optional<LoginThrottleRecord>& current) {
    LoginThrottleRecord next = current.value_or(LoginThrottleRecord{});
    next.consecutive_failures += 1;
    next.window_failures += 2;
    next.last_failure_at_ms = 100 * next.consecutive_failures;
    next.locked_until_ms = 7;
    return next;
  };
  ASSERT_TRUE(succeeded(throttles_->update("account:ada@example.com", increment)));
  auto second = throttles_->update("account:ada@example.com", increment);
  ASSERT_TRUE(succeeded(second));
  EXPECT_EQ(second->consecutive_failures, 2);
  auto found = throttles_->find("account:ada@example.com");
  ASSERT_TRUE(succeeded(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->consecutive_failures, 2);
  EXPECT_EQ((*found)->window_failures, 4);
  EXPECT_EQ((*found)->last_failure_at_ms, 200);
  EXPECT_EQ((*found)->locked_until_ms, 7);
  ASSERT_TRUE(succeeded(throttles_->update("ip:192.0.2.1", increment)));
  ASSERT_TRUE(succeeded(throttles_->reset("account:ada@example.com")));
  EXPECT_FALSE(throttles_->find("account:ada@example.com")->has_value());
  EXPECT_TRUE(throttles_->find("ip:192.0.2.1")->has_value());
  ASSERT_TRUE(succeeded(throttles_->purge(101)));
  EXPECT_FALSE(throttles_->find("ip:192.0.2.1")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SessionRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, SessionRepositoryContract, ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
