// The mail outbox's contract on both backends: what is due is claimed once, even by workers
// claiming at the same time, and every attempt is counted.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "migrated_database_test.hpp"
#include "storage/mail_outbox_repository.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

constexpr std::int64_t queued_at_ms = 1'000'000;
constexpr std::int64_t lease_ms = 60'000;
constexpr std::size_t claim_max = 10;

// g++ 12 warns falsely on "literal" + std::string: built with append.
std::string address(int i) {
  std::string name = "m";
  name.append(std::to_string(i)).append("@example.com");
  return name;
}

class MailOutboxRepositoryContract : public MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    outbox_ = std::make_unique<MailOutboxRepository>(database());
  }

  std::int64_t enqueue(const std::string& to, std::int64_t at_ms = queued_at_ms) {
    std::int64_t id = 0;
    auto done = database().transact(TransactionMode::read_write, [&](Transaction& transaction) {
      auto queued =
          enqueue_mail(transaction, {to, std::string("Subject ").append(to), "Body\n", at_ms});
      if (!queued) return core::Result<void>(std::move(queued).error());
      id = *queued;
      return core::success();
    });
    EXPECT_TRUE(succeeded(done));
    return id;
  }

  std::vector<std::int64_t> claim(std::int64_t now_ms, std::size_t max = claim_max) {
    auto claimed = outbox_->claim_due(now_ms, lease_ms, max);
    EXPECT_TRUE(succeeded(claimed));
    std::vector<std::int64_t> ids;
    if (claimed.ok()) {
      for (const auto& mail : *claimed) ids.push_back(mail.id);
    }
    return ids;
  }

  MailOutboxCounts counts() {
    auto counted = outbox_->counts();
    EXPECT_TRUE(succeeded(counted));
    return counted.ok() ? *counted : MailOutboxCounts{-1, -1, -1};
  }

  std::unique_ptr<MailOutboxRepository> outbox_;
};

TEST_P(MailOutboxRepositoryContract, ClaimsWhatIsDueOnceUntilTheLeaseEnds) {
  auto first = enqueue("a@example.com");
  auto second = enqueue("b@example.com");
  enqueue("later@example.com", queued_at_ms + 5'000);
  auto claimed = outbox_->claim_due(queued_at_ms, lease_ms, claim_max);
  ASSERT_TRUE(succeeded(claimed));
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].id, first);
  EXPECT_EQ((*claimed)[0].mail.to_address, "a@example.com");
  EXPECT_EQ((*claimed)[0].mail.subject, "Subject a@example.com");
  EXPECT_EQ((*claimed)[0].mail.body_text, "Body\n");
  EXPECT_EQ((*claimed)[0].attempts, 0);
  EXPECT_EQ((*claimed)[1].id, second);
  // Claimed rows are not claimed again while the lease lasts, then are.
  EXPECT_TRUE(claim(queued_at_ms + 1'000).empty());
  EXPECT_EQ(claim(queued_at_ms + lease_ms).size(), 3u);
}

TEST_P(MailOutboxRepositoryContract, ClaimsAtMostMax) {
  for (int i = 0; i < 5; ++i) enqueue(address(i));
  EXPECT_EQ(claim(queued_at_ms, 2).size(), 2u);
  EXPECT_EQ(claim(queued_at_ms, 2).size(), 2u);
  EXPECT_EQ(claim(queued_at_ms, 2).size(), 1u);
  EXPECT_TRUE(claim(queued_at_ms, 2).empty());
}

TEST_P(MailOutboxRepositoryContract, SentMailIsNotClaimedAgain) {
  auto id = enqueue("a@example.com");
  ASSERT_EQ(claim(queued_at_ms), std::vector<std::int64_t>{id});
  ASSERT_TRUE(succeeded(outbox_->mark_sent(id, queued_at_ms + 10)));
  EXPECT_TRUE(claim(queued_at_ms + 10 * lease_ms).empty());
  auto counted = counts();
  EXPECT_EQ(counted.sent, 1);
  EXPECT_EQ(counted.pending, 0);
  EXPECT_TRUE(failed_with(outbox_->mark_sent(id, queued_at_ms), core::ErrorCode::not_found));
}

TEST_P(MailOutboxRepositoryContract, AFailedAttemptIsRetriedWhenDue) {
  auto id = enqueue("a@example.com");
  ASSERT_EQ(claim(queued_at_ms), std::vector<std::int64_t>{id});
  constexpr std::int64_t retry_at_ms = queued_at_ms + 30'000;
  ASSERT_TRUE(succeeded(outbox_->record_failed_attempt(id, "connection refused", retry_at_ms)));
  // Released at once, but not due before retry_at_ms.
  EXPECT_TRUE(claim(retry_at_ms - 1).empty());
  auto claimed = outbox_->claim_due(retry_at_ms, lease_ms, claim_max);
  ASSERT_TRUE(succeeded(claimed));
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempts, 1);
  EXPECT_EQ(counts().pending, 1);
}

TEST_P(MailOutboxRepositoryContract, FailedForGoodIsKeptAndNotClaimed) {
  auto id = enqueue("a@example.com");
  ASSERT_EQ(claim(queued_at_ms), std::vector<std::int64_t>{id});
  ASSERT_TRUE(succeeded(outbox_->mark_failed(id, "550 no such user")));
  EXPECT_TRUE(claim(queued_at_ms + 10 * lease_ms).empty());
  auto counted = counts();
  EXPECT_EQ(counted.failed, 1);
  EXPECT_EQ(counted.pending, 0);
  EXPECT_EQ(counted.sent, 0);
}

// Several workers claiming at once, each through its own connection: every mail is claimed
// by exactly one of them.
TEST_P(MailOutboxRepositoryContract, ConcurrentClaimsNeverShareARow) {
  constexpr int mails = 40;
  constexpr int workers = 4;
  for (int i = 0; i < mails; ++i) enqueue(address(i));
  std::vector<std::vector<std::int64_t>> claimed(workers);
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < mails; ++round) {
        auto got = outbox_->claim_due(queued_at_ms, lease_ms, 3);
        if (!got.ok()) continue;  // SQLite may report the writer busy; the next round retries
        for (const auto& mail : *got) claimed[w].push_back(mail.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::multiset<std::int64_t> all;
  for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(mails));
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MailOutboxRepositoryContract, ::testing::Values(Backend::sqlite));
INSTANTIATE_TEST_SUITE_P(Postgres, MailOutboxRepositoryContract,
                         ::testing::Values(Backend::postgres));

}  // namespace
}  // namespace roost::storage::testing
