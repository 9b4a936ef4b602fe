// Pending OAuth authorizations (ADR 0031), on both backends: stored sealed, taken once by
// their state, gone with their organization, purged when expired.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "migrated_database_test.hpp"
#include "storage/oauth_authorization_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t oauth_now_ms = 1'000'000;
constexpr std::int64_t ten_minutes_ms = 600'000;

class OAuthAuthorizationRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    repository_ = std::make_unique<OAuthAuthorizationRepository>(database());
    ada_ = make_user("ada@example.com", "Ada");
    acme_ = make_org("Acme", ada_, oauth_now_ms, audit());
    profile_ = make_profile(acme_, "did:plc:acme", "acme.test", ada_, oauth_now_ms, audit());
  }

  AuditEvent audit() { return AuditEvent{{}, ada_, "test", "", "{}", "req-1", oauth_now_ms}; }

  OAuthAuthorizationRecord record(std::string state, std::int64_t created = oauth_now_ms) {
    return {std::move(state),
            acme_,
            ada_,
            std::nullopt,
            std::string("sealed\0bytes", 12),
            "key-1",
            created,
            created + ten_minutes_ms};
  }

  std::unique_ptr<OAuthAuthorizationRepository> repository_;
  core::UserId ada_;
  core::OrgId acme_;
  core::ProfileId profile_;
};

TEST_P(OAuthAuthorizationRepositoryContract, TakenOnceWithEverythingStored) {
  auto reconnecting = record("state-a");
  reconnecting.profile = profile_;
  ASSERT_TRUE(succeeded(repository_->create(reconnecting)));
  ASSERT_TRUE(succeeded(repository_->create(record("state-b"))));

  auto taken = repository_->take("state-a");
  ASSERT_TRUE(succeeded(taken));
  ASSERT_TRUE(taken->has_value());
  const auto& found = **taken;
  EXPECT_EQ(found.state, "state-a");
  EXPECT_EQ(found.org, acme_);
  EXPECT_EQ(found.user, ada_);
  ASSERT_TRUE(found.profile.has_value());
  EXPECT_EQ(*found.profile, profile_);
  EXPECT_EQ(found.sealed, std::string("sealed\0bytes", 12));  // binary-safe
  EXPECT_EQ(found.sealed_key_id, "key-1");
  EXPECT_EQ(found.created_at_ms, oauth_now_ms);
  EXPECT_EQ(found.expires_at_ms, oauth_now_ms + ten_minutes_ms);

  // Single use: the second callback with the same state finds nothing.
  auto again = repository_->take("state-a");
  ASSERT_TRUE(succeeded(again));
  EXPECT_FALSE(again->has_value());
  EXPECT_FALSE(repository_->take("unknown")->has_value());
  auto other = repository_->take("state-b");
  ASSERT_TRUE(succeeded(other));
  ASSERT_TRUE(other->has_value());
  EXPECT_FALSE((*other)->profile.has_value());
}

TEST_P(OAuthAuthorizationRepositoryContract, SameStateTwiceIsAConflict) {
  ASSERT_TRUE(succeeded(repository_->create(record("dup"))));
  EXPECT_TRUE(failed_with(repository_->create(record("dup")), core::ErrorCode::conflict));
}

TEST_P(OAuthAuthorizationRepositoryContract, ExpiredOnesArePurged) {
  ASSERT_TRUE(succeeded(repository_->create(record("old", oauth_now_ms))));
  ASSERT_TRUE(succeeded(repository_->create(record("new", oauth_now_ms + 1))));
  auto purged = repository_->purge_expired(oauth_now_ms + ten_minutes_ms);
  ASSERT_TRUE(succeeded(purged));
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(repository_->take("old")->has_value());
  EXPECT_TRUE(repository_->take("new")->has_value());
  // Creating purges too.
  ASSERT_TRUE(succeeded(repository_->create(record("stale", oauth_now_ms))));
  ASSERT_TRUE(succeeded(repository_->create(record("fresh", oauth_now_ms + 2 * ten_minutes_ms))));
  EXPECT_FALSE(repository_->take("stale")->has_value());
}

TEST_P(OAuthAuthorizationRepositoryContract, ConcurrentTakesGetItOnce) {
  ASSERT_TRUE(succeeded(repository_->create(record("race"))));
  std::atomic<int> winners = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto taken = repository_->take("race");
      if (taken.ok() && taken->has_value()) ++winners;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(winners.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, OAuthAuthorizationRepositoryContract,
                         ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, OAuthAuthorizationRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
