// The publishing scheduler's promises (ADR 0018, 0030) against real `roost serve` processes
// and the real PDS (fixture bluesky_pds):
// - killed with SIGKILL at 20 and more moments of a dispatch and started again each time,
//   every post still appears on the PDS exactly once and is published;
// - two processes on one PostgreSQL database (fixture postgres) publish 1,000 posts, each
//   claimed once and each on the PDS once, and both do part of the work;
// - "publish now" and an approval wake the dispatcher at once, not at its next poll.
// The posts are written straight into the database (as the API would, with the credentials
// sealed under the key the servers are given), so that the time goes to dispatching.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "networks/bluesky/records.hpp"
#include "org_scenario_test.hpp"
#include "services/profile_credentials.hpp"
#include "services/sealing_keys.hpp"
#include "storage/audit_repository.hpp"
#include "storage/instance_settings_repository.hpp"
#include "storage/organization_repository.hpp"
#include "storage/post_repository.hpp"
#include "storage/profile_repository.hpp"
#include "storage/publish_job_repository.hpp"
#include "storage/user_repository.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;
using networks::bluesky::post_collection;
using test::test_pds;

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

struct Profile {
  core::ProfileId id;
  std::string did;
};

// A scratch database of `backend` with an organization, its owner, and Bluesky profiles
// connected to fresh PDS accounts; the servers started on it share its sealing key.
class PublishFaults : public ::testing::Test {
 protected:
  void open(storage::Backend backend) {
    core::initialize_crypto();
    auto migrated = storage::testing::open_migrated(backend, scratch_, database_);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    key_dir_ = make_temp_directory("roost-publish-faults");
    storage::InstanceSettingsRepository settings(*database_);
    auto keyring = services::load_sealing_keyring(settings, key_dir_ / "secret.key");
    ASSERT_TRUE(keyring.ok()) << keyring.error().message;
    keyring_ = std::move(keyring).value();
    jobs_ = std::make_unique<storage::PublishJobRepository>(*database_);
    posts_ = std::make_unique<storage::PostRepository>(*database_);
    profiles_ = std::make_unique<storage::ProfileRepository>(*database_);
    vault_ = std::make_unique<services::ProfileCredentialVault>(*profiles_, keyring_, clock_);
    auto owner = storage::UserRepository(*database_)
                     .create({"ada@example.com", "ada@example.com", "Ada", "$argon2id$x", 1});
    ASSERT_TRUE(owner.ok()) << owner.error().message;
    owner_ = owner->id;
    auto org = storage::OrganizationRepository(*database_)
                   .create({"Acme", 50, 25, owner_, clock_.now_ms()}, audit("org.created"));
    ASSERT_TRUE(org.ok()) << org.error().message;
    org_ = org->id;
  }

  void TearDown() override {
    std::error_code ignored;
    if (!key_dir_.empty()) std::filesystem::remove_all(key_dir_, ignored);
  }

  storage::AuditEvent audit(std::string action = "") {
    return storage::AuditEvent{org_, owner_, std::move(action), "", "{}", "test", clock_.now_ms()};
  }

  void connect_profiles(int count) {
    for (int i = 0; i < count; ++i) {
      auto account = test::create_test_account(test_pds());
      auto password = test::create_app_password(test_pds(), account, "roost");
      auto connected = network_.connect_with_app_password(account.handle, password, std::nullopt);
      ASSERT_TRUE(connected.ok()) << connected.error().message;
      storage::ProfileDraft draft{
          org_, "bluesky",          account.did, account.handle, "",
          "",   test_pds().pds_url, owner_,      owner_,         clock_.now_ms()};
      auto profile = profiles_->create(draft, audit("profile.connected"));
      ASSERT_TRUE(profile.ok()) << profile.error().message;
      ASSERT_TRUE(vault_->store(profile->id, *connected).ok());
      profiles_list_.push_back({profile->id, account.did});
    }
  }

  // `count` posts due now, round robin over the profiles; their texts are unique in the run.
  void schedule_due(int count) {
    for (int i = 0; i < count; ++i) {
      const auto& profile = profiles_list_[posted_.size() % profiles_list_.size()];
      storage::NewPost post;
      post.org = org_;
      post.author = owner_;
      post.state = storage::PostState::scheduled;
      post.text = tag_ + " post " + std::to_string(posted_.size());
      post.langs = {"en"};
      post.schedule.at_ms = clock_.now_ms();
      post.schedule.time_zone = "Europe/Paris";
      post.targets.push_back({profile.id, std::nullopt, "hash"});
      auto created = posts_->create(post, clock_.now_us(), audit());
      ASSERT_TRUE(created.ok()) << created.error().message;
      posted_.push_back({created->post.id, profile.id, post.text});
    }
  }

  std::vector<std::string> arguments() const {
    const auto& url = scratch_->url();
    return {"--database-url",
            url.backend == storage::Backend::sqlite ? "sqlite://" + url.sqlite_path
                                                    : url.postgres_conninfo,
            "--secret-key-file",
            (key_dir_ / "secret.key").string(),
            "--bluesky-plc-url",
            test_pds().plc_url,
            "--bluesky-handle-resolver-url",
            test_pds().pds_url};
  }

  std::int64_t done_count() {
    auto counted = jobs_->count_by_state();
    EXPECT_TRUE(counted.ok());
    return counted.ok() ? counted->done : -1;
  }

  // Waits until every job posted is done (or `limit` passed); returns whether they are.
  bool wait_until_all_done(std::chrono::seconds limit) {
    const auto total = static_cast<std::int64_t>(posted_.size());
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto counted = jobs_->count_by_state();
      if (!counted.ok()) return false;
      if (counted->done == total) return true;
      if (counted->failed > 0) return false;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  storage::PublishJobRecord job_of(const std::size_t index) {
    auto found = jobs_->find_for_target(posted_[index].post, posted_[index].profile);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : storage::PublishJobRecord{};
  }

  // Each post published, and on its profile's PDS repository exactly once; nothing else there.
  void expect_each_post_once_on_the_pds() {
    std::map<std::string, std::multiset<std::string>> expected;  // by DID
    std::map<std::int64_t, std::string> did_of;
    for (const auto& profile : profiles_list_) did_of[profile.id.value] = profile.did;
    for (const auto& post : posted_) {
      expected[did_of[post.profile.value]].insert(post.text);
      auto found = posts_->find(org_, post.post);
      ASSERT_TRUE(found.ok() && found->has_value());
      EXPECT_EQ((*found)->state, storage::PostState::published) << post.text;
    }
    for (const auto& profile : profiles_list_) {
      std::multiset<std::string> on_pds;
      for (const auto& record : test::list_all_records(test_pds(), profile.did, post_collection)) {
        on_pds.insert(record.value.value("text", std::string()));
      }
      EXPECT_EQ(on_pds, expected[profile.did]) << "profile " << profile.did;
    }
  }

  struct Posted {
    core::PostId post;
    core::ProfileId profile;
    std::string text;
  };

  core::SystemClock clock_;
  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;
  std::unique_ptr<storage::Database> database_;
  std::filesystem::path key_dir_;
  core::Keyring keyring_;
  std::unique_ptr<storage::PublishJobRepository> jobs_;
  std::unique_ptr<storage::PostRepository> posts_;
  std::unique_ptr<storage::ProfileRepository> profiles_;
  std::unique_ptr<services::ProfileCredentialVault> vault_;
  networks::bluesky::BlueskyNetwork network_{test::test_bluesky_settings(test_pds())};
  core::UserId owner_;
  core::OrgId org_;
  std::vector<Profile> profiles_list_;
  std::vector<Posted> posted_;
  std::string tag_ = "run" + std::to_string(core::SystemClock().now_ms() % 100'000'000);
};

// One process on SQLite, SIGKILLed at a random moment 0-1000 ms after it is listening (its
// dispatcher starts before), started again at once, at least 20 times while jobs are held;
// more due posts are added whenever fewer than a batch are left, so that every kill lands
// in a dispatch. A short lease (--publish-lease-ms) lets each restart take over what its
// predecessor held within 1.5 s.
TEST_F(PublishFaults, KilledDuringDispatchTwentyTimesEveryPostIsOnThePdsExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(open(storage::Backend::sqlite));
  ASSERT_NO_FATAL_FAILURE(connect_profiles(4));
  ASSERT_NO_FATAL_FAILURE(schedule_due(60));
  auto args = arguments();
  args.insert(args.end(), {"--publish-lease-ms", "1500"});

  constexpr int kills_wanted = 20;
  constexpr int cycles_max = 40;
  std::mt19937 random(20261205);
  std::uniform_int_distribution<int> delay_ms(0, 1'000);
  const auto started = std::chrono::steady_clock::now();
  int kills_holding_jobs = 0;
  int cycles = 0;
  for (; cycles < cycles_max && kills_holding_jobs < kills_wanted; ++cycles) {
    if (static_cast<std::int64_t>(posted_.size()) - done_count() < 32) {
      ASSERT_NO_FATAL_FAILURE(schedule_due(40));
    }
    auto server = std::make_unique<RoostServer>(args);
    const std::string owner_part = "-" + std::to_string(server->pid()) + "-";
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    server->signal(SIGKILL);
    ASSERT_TRUE(server->wait(5s).has_value());
    server.reset();
    // Did it die holding jobs (claimed, or sent with no answer recorded)?
    bool held = false;
    for (std::size_t i = 0; i < posted_.size() && !held; ++i) {
      auto job = job_of(i);
      held = (job.state == storage::PublishJobState::claimed ||
              job.state == storage::PublishJobState::sent) &&
             job.lease_owner.find(owner_part) != std::string::npos;
    }
    if (held) ++kills_holding_jobs;
  }
  std::cout << cycles << " SIGKILLs, " << kills_holding_jobs << " while holding jobs, in "
            << elapsed_ms(started) << " ms; " << done_count() << " of " << posted_.size()
            << " done\n";
  EXPECT_GE(kills_holding_jobs, kills_wanted);

  // The last start finishes the outbox.
  RoostServer last(args);
  ASSERT_TRUE(wait_until_all_done(90s)) << done_count() << " of " << posted_.size() << " done\n"
                                        << last.log();
  std::cout << "all " << posted_.size() << " published " << elapsed_ms(started)
            << " ms after the first start\n";
  int reclaimed = 0, resent = 0;
  for (std::size_t i = 0; i < posted_.size(); ++i) {
    auto job = job_of(i);
    if (job.claim_count > 1) ++reclaimed;
    if (job.attempts > 1) ++resent;  // sent, killed before the answer was recorded
  }
  std::cout << reclaimed << " jobs claimed again after a kill, " << resent
            << " of them after a send with no recorded answer\n";
  EXPECT_GT(reclaimed, 0);
  expect_each_post_once_on_the_pds();
}

// Two processes on one PostgreSQL database, started before the posts exist, dispatch 1,000
// due posts over 5 profiles.
TEST_F(PublishFaults, PostgresTwoProcessesPublishAThousandPostsEachExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(open(storage::Backend::postgres));
  ASSERT_NO_FATAL_FAILURE(connect_profiles(5));
  RoostServer first(arguments());
  RoostServer second(arguments());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_NO_FATAL_FAILURE(schedule_due(1'000));
  std::cout << "1000 posts written in " << elapsed_ms(started) << " ms\n";
  ASSERT_TRUE(wait_until_all_done(150s)) << done_count() << " of 1000 done\n" << first.log();
  const auto took = elapsed_ms(started);
  std::cout << "1000 posts published by two processes in " << took << " ms ("
            << 1'000'000.0 / static_cast<double>(took) << " posts/s)\n";

  // Each job claimed once, sent once; both owners did some.
  std::map<std::string, int> by_owner;
  for (std::size_t i = 0; i < posted_.size(); ++i) {
    auto job = job_of(i);
    EXPECT_EQ(job.claim_count, 1) << posted_[i].text;
    EXPECT_EQ(job.attempts, 1) << posted_[i].text;
    ++by_owner[job.lease_owner];
  }
  ASSERT_EQ(by_owner.size(), 2u);
  for (const auto& [owner, count] : by_owner) {
    std::cout << owner << ": " << count << " posts\n";
    EXPECT_GT(count, 0);
  }
  const std::string first_part = "-" + std::to_string(first.pid()) + "-";
  const std::string second_part = "-" + std::to_string(second.pid()) + "-";
  for (const auto& [owner, count] : by_owner) {
    EXPECT_TRUE(owner.find(first_part) != std::string::npos ||
                owner.find(second_part) != std::string::npos)
        << owner;
  }
  // The audit trail: one post.published per job.
  auto events = storage::AuditRepository(*database_).list_for_org(org_, 5'000);
  ASSERT_TRUE(events.ok());
  std::map<std::int64_t, int> published_events;
  for (const auto& record : *events) {
    if (record.event.action != "post.published") continue;
    ++published_events[nlohmann::json::parse(record.event.details_json)["job_id"]
                           .get<std::int64_t>()];
  }
  EXPECT_EQ(published_events.size(), posted_.size());
  for (const auto& [job, count] : published_events) EXPECT_EQ(count, 1) << "job " << job;
  expect_each_post_once_on_the_pds();
}

// The dispatcher's poll is a minute here: only a wake-up can publish within seconds.
constexpr auto wake_limit = 5s;

class PublishWake : public OrgScenarioTest {
 protected:
  PublishWake()
      : OrgScenarioTest({"--bluesky-plc-url", test_pds().plc_url, "--bluesky-handle-resolver-url",
                         test_pds().pds_url, "--publish-poll-ms", "60000"}) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    writer_ = sign_up("writer@example.com");
    acme_ = create_org(owner_, "Acme");
    add_member(acme_, writer_, domain::OrgRole::member);
    account_ = test::create_test_account(test_pds());
    auto password = test::create_app_password(test_pds(), account_, "roost");
    auto connected = as(owner_, "POST", org_path(acme_) + "/profiles",
                        {{"identifier", account_.handle},
                         {"app_password", password},
                         {"pds_url", test_pds().pds_url}});
    ASSERT_EQ(connected.status, 201) << connected.body;
    profile_ = connected.json()["id"];
    auto team = create_team(owner_, acme_, "Writers");
    add_team_member(owner_, acme_, team, writer_, "member");
    ASSERT_NO_FATAL_FAILURE(grant_profile(owner_, acme_, team, profile_, "limited"));
    // The dispatcher came round at start and sleeps its minute now.
    std::this_thread::sleep_for(300ms);
  }

  std::int64_t post_now(const User& author, const std::string& text) {
    auto created = as(author, "POST", org_path(acme_) + "/posts",
                      {{"text", text},
                       {"targets", nlohmann::json::array({{{"profile_id", profile_}}})},
                       {"when", {{"mode", "now"}}}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0;
  }

  // How long until `text` is on the PDS; nullopt if not within wake_limit.
  std::optional<std::int64_t> ms_until_on_pds(const std::string& text,
                                              std::chrono::steady_clock::time_point since) {
    while (std::chrono::steady_clock::now() - since < wake_limit) {
      for (const auto& record : test::list_all_records(test_pds(), account_.did, post_collection)) {
        if (record.value.value("text", std::string()) == text) return elapsed_ms(since);
      }
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }

  User owner_, writer_;
  std::int64_t acme_ = 0, profile_ = 0;
  test::TestAccount account_;
};

TEST_F(PublishWake, PublishNowAndAnApprovalWakeTheDispatcherInsteadOfItsPoll) {
  const std::string text = "published now " + std::to_string(core::SystemClock().now_ms());
  auto sent = std::chrono::steady_clock::now();
  ASSERT_NE(post_now(owner_, text), 0);
  auto published = ms_until_on_pds(text, sent);
  ASSERT_TRUE(published.has_value()) << "not on the PDS within 5 s (the poll is 60 s)\n"
                                     << server_.log();
  std::cout << "publish now -> on the PDS: " << *published << " ms\n";

  // A limited member's post waits for approval; the owner's approval makes it due now.
  const std::string approved = "approved " + std::to_string(core::SystemClock().now_ms());
  auto pending = post_now(writer_, approved);
  ASSERT_NE(pending, 0);
  std::this_thread::sleep_for(300ms);
  auto listed = test::list_all_records(test_pds(), account_.did, post_collection);
  EXPECT_EQ(listed.size(), 1u) << "a post awaiting approval went out";
  sent = std::chrono::steady_clock::now();
  auto decided = as(owner_, "POST",
                    org_path(acme_) + "/posts/" + std::to_string(pending) + "/targets/" +
                        std::to_string(profile_) + "/approve",
                    nlohmann::json::object());
  ASSERT_EQ(decided.status, 200) << decided.body;
  auto on_pds = ms_until_on_pds(approved, sent);
  ASSERT_TRUE(on_pds.has_value()) << "the approved post did not go out within 5 s\n"
                                  << server_.log();
  std::cout << "approval -> on the PDS: " << *on_pds << " ms\n";
}

}  // namespace
}  // namespace roost::testing
