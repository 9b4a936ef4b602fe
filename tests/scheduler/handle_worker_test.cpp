// The handle worker (ADR 0032) on a scratch database, resolving against the real PDS and its
// PLC directory (the fixture bluesky_pds): an item's unknown author gets its verified handle,
// a resolver that does not answer is retried later with backoff, and an #identity event
// makes a cached DID resolve again ahead of its time.
#include "scheduler/handle_worker.hpp"

#include <gtest/gtest.h>
#include <map>
#include <mutex>
#include <thread>

#include <atomic>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "networks/bluesky/bluesky_identity.hpp"
#include "storage/inbox_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/stream_repository.hpp"
#include "storage/team_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::scheduler {
namespace {

constexpr std::int64_t start_ms = 1'700'000'000'000;

class SettableClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point{std::chrono::milliseconds(now_ms_.load())};
  }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_{start_ms};
};

class HandleWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto migrated = storage::testing::open_migrated(storage::Backend::sqlite, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    storage::UserRepository users(*database_);
    auto user = users.create({"ada@example.com", "Ada", "ada@example.com", "$argon2id$x", 1});
    ASSERT_TRUE(user.ok());
    storage::OrganizationRepository organizations(*database_);
    auto org = organizations.create({"Acme", 10, 25, user->id, start_ms}, {});
    ASSERT_TRUE(org.ok());
    storage::TeamRepository teams(*database_);
    auto team = teams.create(org->id, "Web", start_ms, {});
    ASSERT_TRUE(team.ok());
    streams_ = std::make_unique<storage::StreamRepository>(*database_);
    auto stream = streams_->create({team->id, "News", "roost", true, 1'000, user->id, start_ms},
                                   {{}, user->id, "stream.created", "", "{}", "req", start_ms});
    ASSERT_TRUE(stream.ok());
    stream_ = stream->id;
    handles_ = std::make_unique<storage::AuthorHandleRepository>(*database_);
    options_.resolve_interval = std::chrono::milliseconds(0);
  }
  void item_by(const std::string& did) {
    std::vector<storage::StreamItemDraft> items{{stream_,
                                                 "at://" + did + "/p/" + std::to_string(++items_),
                                                 "bafy", did, "roost", "", start_ms}};
    ASSERT_TRUE(streams_->insert_items(items).ok());
  }
  std::optional<storage::AuthorHandleRecord> cached(const std::string& did) {
    auto found = handles_->find(did);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::nullopt;
  }

  const test::TestPds& pds_ = test::test_pds();
  SettableClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<storage::StreamRepository> streams_;
  std::unique_ptr<storage::AuthorHandleRepository> handles_;
  core::StreamId stream_;
  int items_ = 0;
  HandleWorkerOptions options_;
};

TEST_F(HandleWorkerTest, AnItemsUnknownAuthorGetsItsVerifiedHandleOnce) {
  auto account = test::create_test_account(pds_);
  item_by(account.did);
  item_by(account.did);
  networks::bluesky::BlueskyIdentityResolver resolver(test::test_bluesky_settings(pds_));
  HandleWorker worker(*handles_, resolver, clock_, options_);
  auto tried = worker.run_once();
  ASSERT_TRUE(tried.ok()) << tried.error().message;
  EXPECT_EQ(*tried, 1u);  // one DID, however many items
  auto row = cached(account.did);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->handle, account.handle);
  EXPECT_EQ(row->next_attempt_at_ms, start_ms + options_.refresh_interval.count());
  auto listed = streams_->list_items(stream_, std::nullopt, 10);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->front().author_handle, account.handle);
  EXPECT_EQ(*worker.run_once(), 0u);  // nothing new, nothing due
  EXPECT_EQ(worker.counts().resolved_total, 1u);
}

TEST_F(HandleWorkerTest, AResolverThatDoesNotAnswerIsRetriedLaterWithBackoff) {
  auto account = test::create_test_account(pds_);
  item_by(account.did);
  auto settings = test::test_bluesky_settings(pds_);
  settings.plc_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  networks::bluesky::BlueskyIdentityResolver down(settings);
  HandleWorker failing(*handles_, down, clock_, options_);
  EXPECT_EQ(*failing.run_once(), 1u);
  auto row = cached(account.did);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->handle, std::nullopt);
  EXPECT_EQ(row->failures, 1);
  EXPECT_EQ(row->next_attempt_at_ms, start_ms + options_.retry_base_delay.count());
  EXPECT_EQ(failing.counts().failed_total, 1u);
  EXPECT_EQ(*failing.run_once(), 0u);  // not due yet
  clock_.advance(options_.retry_base_delay);
  EXPECT_EQ(*failing.run_once(), 1u);
  EXPECT_EQ(cached(account.did)->failures, 2);
  EXPECT_EQ(cached(account.did)->next_attempt_at_ms,
            start_ms + 3 * options_.retry_base_delay.count());  // doubled

  clock_.advance(2 * options_.retry_base_delay);
  networks::bluesky::BlueskyIdentityResolver up(test::test_bluesky_settings(pds_));
  HandleWorker working(*handles_, up, clock_, options_);
  EXPECT_EQ(*working.run_once(), 1u);
  EXPECT_EQ(cached(account.did)->handle, account.handle);
  EXPECT_EQ(cached(account.did)->failures, 0);
}

TEST_F(HandleWorkerTest, AnIdentityEventResolvesACachedDidAgainAheadOfTime) {
  auto account = test::create_test_account(pds_);
  ASSERT_TRUE(
      handles_->record_resolved(account.did, "stale.test", start_ms, start_ms + 1'000'000).ok());
  ingest::IdentityChanges changes;
  options_.identity_changes = &changes;
  networks::bluesky::BlueskyIdentityResolver resolver(test::test_bluesky_settings(pds_));
  HandleWorker worker(*handles_, resolver, clock_, options_);
  EXPECT_EQ(*worker.run_once(), 0u);
  changes.note(account.did);
  changes.note("did:plc:notcachedatall");  // nobody shows it: not worth a lookup
  EXPECT_EQ(*worker.run_once(), 1u);
  EXPECT_EQ(cached(account.did)->handle, account.handle);
  EXPECT_EQ(cached("did:plc:notcachedatall"), std::nullopt);
}

// A round takes batch_max DIDs; one found after the batch is full is taken next round, not
// lost behind the scan's cursor.
TEST_F(HandleWorkerTest, AuthorsBeyondAFullBatchAreTakenNextRound) {
  item_by("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa");
  item_by("did:plc:bbbbbbbbbbbbbbbbbbbbbbbb");
  auto settings = test::test_bluesky_settings(pds_);
  settings.plc_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  networks::bluesky::BlueskyIdentityResolver down(settings);
  options_.batch_max = 1;
  HandleWorker worker(*handles_, down, clock_, options_);
  EXPECT_EQ(*worker.run_once(), 1u);
  EXPECT_TRUE(cached("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"));
  EXPECT_FALSE(cached("did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"));
  EXPECT_EQ(*worker.run_once(), 1u);
  EXPECT_TRUE(cached("did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"));
}

// ADR 0034: a routing rule saved before authors' handles were resolved (migration 0018 left
// its DID empty) gets the DID its handle names; a handle that names no one, or a resolver
// that does not answer, is tried again after the retry delay, not every round.
TEST_F(HandleWorkerTest, LegacyRuleAuthorHandlesAreResolvedOffTheRequestPath) {
  auto account = test::create_test_account(pds_);
  storage::InboxRepository rules(*database_);
  auto admin = storage::UserRepository(*database_)
                   .create({"rules@example.com", "Rules", "rules@example.com", "$argon2id$x", 1});
  ASSERT_TRUE(admin.ok());
  auto org = storage::OrganizationRepository(*database_)
                 .create({"Rules", 10, 25, admin->id, start_ms}, {});
  ASSERT_TRUE(org.ok()) << org.error().message;
  auto legacy = [&](const std::string& name, const std::string& author) {
    domain::RoutingRule rule;
    rule.name = name;
    rule.when.author = author;  // no author_did: as the migration leaves a handle it did not know
    auto created = rules.create_rule(org->id, rule, std::nullopt, start_ms, {});
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? created->rule.id : core::InboxRuleId{};
  };
  const auto known = legacy("known", account.handle);
  const auto ghost = legacy("ghost", "nobody-" + std::to_string(start_ms) + ".test");
  auto did_of = [&](core::InboxRuleId id) {
    auto found = rules.find_rule(org->id, id);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? (**found).rule.when.author_did : std::string("?");
  };

  networks::bluesky::BlueskyIdentityResolver resolver(test::test_bluesky_settings(pds_));
  options_.rules = &rules;
  HandleWorker worker(*handles_, resolver, clock_, options_);
  auto tried = worker.resolve_rule_authors();
  ASSERT_TRUE(tried.ok()) << tried.error().message;
  EXPECT_EQ(*tried, 2u);
  EXPECT_EQ(did_of(known), account.did);
  EXPECT_EQ(did_of(ghost), "");
  EXPECT_EQ(*worker.resolve_rule_authors(), 0u);  // the ghost waits for its retry
  clock_.advance(options_.retry_base_delay);
  EXPECT_EQ(*worker.resolve_rule_authors(), 1u);
  EXPECT_EQ(did_of(ghost), "");

  // A resolver that does not answer: the same, and the rule resolves once it answers again.
  const auto later = legacy("later", account.handle);
  auto settings = test::test_bluesky_settings(pds_);
  settings.handle_resolver_url = "http://127.0.0.1:" + std::to_string(test::unused_loopback_port());
  networks::bluesky::BlueskyIdentityResolver down(settings);
  HandleWorker failing(*handles_, down, clock_, options_);
  EXPECT_EQ(*failing.resolve_rule_authors(), 2u);
  EXPECT_EQ(did_of(later), "");
  EXPECT_EQ(*failing.resolve_rule_authors(), 0u);
  EXPECT_EQ(*worker.resolve_rule_authors(), 1u);  // the first worker's ghost is not due yet
  EXPECT_EQ(did_of(later), account.did);

  // Without options.rules the worker leaves rules alone.
  options_.rules = nullptr;
  HandleWorker without(*handles_, resolver, clock_, options_);
  EXPECT_EQ(*without.resolve_rule_authors(), 0u);
}

// Answers every DID with a made-up handle, counting the lookups per DID.
class CountingResolver final : public networks::IdentityResolver {
 public:
  networks::NetworkResult<networks::ResolvedIdentity> identity_of_did(
      std::string_view did) override {
    {
      std::lock_guard lock(mutex_);
      ++lookups_[std::string(did)];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return networks::ResolvedIdentity{std::string(did),
                                      std::string(did.substr(did.rfind(':') + 1)) + ".test", ""};
  }
  std::map<std::string, int> lookups() {
    std::lock_guard lock(mutex_);
    return lookups_;
  }

 protected:
  networks::NetworkResult<std::string> resolve_handle(std::string_view handle,
                                                      std::optional<Deadline>) override {
    return "did:plc:" + std::string(handle);
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> lookups_;
};

// ADR 0035: every roost process runs a handle worker; their claims are leased, so two
// workers on one database running at the same time look each author up once between them.
TEST_F(HandleWorkerTest, TwoProcessesWorkersLookEachAuthorUpOnce) {
  constexpr int authors = 30;
  for (int i = 0; i < authors; ++i) item_by("did:plc:author" + std::to_string(i));
  CountingResolver resolver;
  auto with = options_;
  with.batch_max = 7;
  with.owner = "process-a";
  HandleWorker first(*handles_, resolver, clock_, with);
  with.owner = "process-b";
  HandleWorker second(*handles_, resolver, clock_, with);
  auto drain = [](HandleWorker& worker) {
    // Until a round finds nothing, twice in a row (the other may still be inserting).
    for (int idle = 0; idle < 2;) {
      auto tried = worker.run_once();
      ASSERT_TRUE(tried.ok()) << tried.error().message;
      idle = *tried == 0 ? idle + 1 : 0;
    }
  };
  std::thread a([&] { drain(first); });
  std::thread b([&] { drain(second); });
  a.join();
  b.join();
  auto lookups = resolver.lookups();
  EXPECT_EQ(lookups.size(), static_cast<std::size_t>(authors));
  for (const auto& [did, count] : lookups) EXPECT_EQ(count, 1) << did;
  EXPECT_EQ(first.counts().resolved_total + second.counts().resolved_total,
            static_cast<std::uint64_t>(authors));
  EXPECT_EQ(cached("did:plc:author7")->handle, "author7.test");
}

// A process that claimed a new author and died holds it until its lease ends; then another
// process's worker takes it.
TEST_F(HandleWorkerTest, ADeadProcessesClaimIsTakenOverWhenItsLeaseEnds) {
  item_by("did:plc:orphan");
  ASSERT_TRUE(handles_
                  ->claim_new({"did:plc:orphan"}, "dead-process", clock_.now_ms(),
                              options_.claim_lease.count())
                  .ok());
  CountingResolver resolver;
  HandleWorker survivor(*handles_, resolver, clock_, options_);
  EXPECT_EQ(*survivor.run_once(), 0u);  // leased to the dead process
  clock_.advance(options_.claim_lease - std::chrono::milliseconds(1));
  EXPECT_EQ(*survivor.run_once(), 0u);
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(*survivor.run_once(), 1u);
  EXPECT_EQ(cached("did:plc:orphan")->handle, "orphan.test");
  EXPECT_EQ(cached("did:plc:orphan")->lease_owner, std::nullopt);
}

TEST(HandleRetryDelay, DoublesPerFailureUpToTheMaximum) {
  HandleWorkerOptions options;
  options.retry_base_delay = std::chrono::milliseconds(1'000);
  options.retry_max_delay = std::chrono::milliseconds(5'000);
  EXPECT_EQ(handle_retry_delay(1, options).count(), 1'000);
  EXPECT_EQ(handle_retry_delay(2, options).count(), 2'000);
  EXPECT_EQ(handle_retry_delay(3, options).count(), 4'000);
  EXPECT_EQ(handle_retry_delay(4, options).count(), 5'000);
  EXPECT_EQ(handle_retry_delay(60, options).count(), 5'000);
}

TEST(IdentityChanges, AreTakenOldestFirstAndBounded) {
  ingest::IdentityChanges changes(2);
  changes.note("did:plc:a");
  changes.note("did:plc:b");
  changes.note("did:plc:c");
  EXPECT_EQ(changes.dropped(), 1u);
  EXPECT_EQ(changes.take(1), std::vector<std::string>{"did:plc:a"});
  EXPECT_EQ(changes.take(5), std::vector<std::string>{"did:plc:b"});
  EXPECT_TRUE(changes.take(5).empty());
}

}  // namespace
}  // namespace roost::scheduler
