// The publishing scheduler's promises (ADR 0018, 0030) against real `roost serve` processes
// and the real PDS (fixture bluesky_pds):
// - killed with SIGKILL at 20 and more moments of a dispatch and started again each time,
//   every post still appears on the PDS exactly once and is published;
// - two processes on one PostgreSQL database (fixture postgres) publish 1,000 posts, each
//   claimed once and each on the PDS once, and both do part of the work;
// - "publish now" and an approval wake the dispatcher at once, not at its next poll;
// - across two processes on one PostgreSQL database (ADR 0035): a post published now through
//   one is sent within seconds by either; by the other when the first does not dispatch
//   (woken by NOTIFY, its poll is a minute); and the request does not wait for a notify
//   connection that does not answer.
// The posts are written straight into the database (as the API would, with the credentials
// sealed under the key the servers are given), so that the time goes to dispatching.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
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

// A real roost (or two) with a profile connected to a fresh PDS account through the API.
class PdsScenario : public OrgScenarioTest {
 protected:
  using OrgScenarioTest::OrgScenarioTest;

  // A fresh PDS account, connected by an app password as a profile of `org`; its id.
  std::int64_t connect_pds_profile(const User& owner, std::int64_t org) {
    account_ = test::create_test_account(test_pds());
    auto password = test::create_app_password(test_pds(), account_, "roost");
    auto connected = as(owner, "POST", org_path(org) + "/profiles",
                        {{"identifier", account_.handle},
                         {"app_password", password},
                         {"pds_url", test_pds().pds_url}});
    EXPECT_EQ(connected.status, 201) << connected.body;
    return connected.status == 201 ? connected.json()["id"].get<std::int64_t>() : 0;
  }

  // How long until `text` is on the PDS; nullopt if not within `limit`.
  std::optional<std::int64_t> ms_until_on_pds(const std::string& text,
                                              std::chrono::steady_clock::time_point since,
                                              std::chrono::milliseconds limit = wake_limit) {
    while (std::chrono::steady_clock::now() - since < limit) {
      for (const auto& record : test::list_all_records(test_pds(), account_.did, post_collection)) {
        if (record.value.value("text", std::string()) == text) return elapsed_ms(since);
      }
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }

  test::TestAccount account_;
};

class PublishWake : public PdsScenario {
 protected:
  PublishWake()
      : PdsScenario({"--bluesky-plc-url", test_pds().plc_url, "--bluesky-handle-resolver-url",
                     test_pds().pds_url, "--publish-poll-ms", "60000"}) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    writer_ = sign_up("writer@example.com");
    acme_ = create_org(owner_, "Acme");
    add_member(acme_, writer_, domain::OrgRole::member);
    profile_ = connect_pds_profile(owner_, acme_);
    ASSERT_NE(profile_, 0);
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

  User owner_, writer_;
  std::int64_t acme_ = 0, profile_ = 0;
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

// A TCP proxy in front of PostgreSQL for one roost process. It forwards everything; while
// stalled, a connection whose query sends a NOTIFY on roost_publish_due has that query and
// everything after it held (a notify connection that does not answer) until released.
class StallingPostgresProxy {
 public:
  explicit StallingPostgresProxy(unsigned short target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 64) != 0) {
      throw std::runtime_error("the proxy cannot listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (::pipe(wake_) != 0) throw std::runtime_error("no pipe");
    thread_ = std::thread([this] { run(); });
  }
  ~StallingPostgresProxy() {
    stopping_ = true;
    poke();
    thread_.join();
    for (auto& pair : pairs_) {
      ::close(pair.client);
      ::close(pair.server);
    }
    ::close(listener_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  unsigned short port() const { return port_; }
  void stall(bool on) {
    stalled_ = on;
    poke();
  }
  int held_queries() const { return held_queries_.load(); }

 private:
  struct Pair {
    int client = -1;
    int server = -1;
    bool held = false;
    std::string buffer;  // the client's bytes held back, in order
  };

  void poke() { [[maybe_unused]] auto written = ::write(wake_[1], "x", 1); }

  static bool send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      auto sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  void run() {
    char chunk[16 * 1024];
    while (!stopping_) {
      if (!stalled_) {
        for (auto& pair : pairs_) {
          if (!pair.held) continue;
          send_all(pair.server, pair.buffer);
          pair.buffer.clear();
          pair.held = false;
        }
      }
      std::vector<pollfd> fds{{listener_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      for (const auto& pair : pairs_) {
        fds.push_back({pair.client, POLLIN, 0});
        fds.push_back({pair.server, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 200) <= 0) continue;
      if (fds[1].revents != 0) {
        [[maybe_unused]] auto drained = ::read(wake_[0], chunk, sizeof chunk);
      }
      std::vector<std::size_t> closed;
      for (std::size_t at = 0; at < pairs_.size(); ++at) {
        auto& pair = pairs_[at];
        const auto& from_client = fds[2 + 2 * at];
        const auto& from_server = fds[3 + 2 * at];
        bool open = true;
        if (from_client.revents != 0) {
          auto got = ::recv(pair.client, chunk, sizeof chunk, 0);
          if (got <= 0) {
            open = false;
          } else {
            std::string_view bytes(chunk, static_cast<std::size_t>(got));
            if (!pair.held && stalled_ && bytes.find("pg_notify") != std::string_view::npos &&
                bytes.find("roost_publish_due") != std::string_view::npos) {
              pair.held = true;
              ++held_queries_;
            }
            if (pair.held) {
              pair.buffer.append(bytes);
            } else {
              open = send_all(pair.server, bytes);
            }
          }
        }
        if (open && from_server.revents != 0) {
          auto got = ::recv(pair.server, chunk, sizeof chunk, 0);
          open = got > 0 &&
                 send_all(pair.client, std::string_view(chunk, static_cast<std::size_t>(got)));
        }
        if (!open) closed.push_back(at);
      }
      for (auto at = closed.rbegin(); at != closed.rend(); ++at) {
        ::close(pairs_[*at].client);
        ::close(pairs_[*at].server);
        pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(*at));
      }
      if (fds[0].revents != 0) {
        int client = ::accept(listener_, nullptr, nullptr);
        if (client < 0) continue;
        int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in target{};
        target.sin_family = AF_INET;
        target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        target.sin_port = htons(target_port_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
          ::close(client);
          ::close(server);
          continue;
        }
        pairs_.push_back({client, server, false, {}});
      }
    }
  }

  unsigned short target_port_;
  unsigned short port_ = 0;
  int listener_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<int> held_queries_{0};
  std::vector<Pair> pairs_;  // the proxy's thread only
  std::thread thread_;
};

// postgresql://user@127.0.0.1:PORT/db -> its port, and the same URL on another port.
unsigned short port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return static_cast<unsigned short>(std::stoi(url.substr(colon + 1, url.find('/', colon))));
}
std::string with_port(const std::string& url, unsigned short port) {
  auto colon = url.rfind(':');
  return url.substr(0, colon + 1) + std::to_string(port) + url.substr(url.find('/', colon));
}

// What a cross-process test starts with, made before the first server starts.
struct CrossProcessSetup {
  std::unique_ptr<storage::testing::ScratchDatabase> scratch;
  std::unique_ptr<StallingPostgresProxy> proxy;
  std::filesystem::path key_dir;
};

CrossProcessSetup& pending_setup() {
  static CrossProcessSetup setup;
  return setup;
}

std::vector<std::string> common_arguments(const std::filesystem::path& key_dir) {
  return {"--secret-key-file",
          (key_dir / "secret.key").string(),
          "--bluesky-plc-url",
          test_pds().plc_url,
          "--bluesky-handle-resolver-url",
          test_pds().pds_url,
          "--publish-poll-ms",
          "60000"};
}

// Process A's arguments: a fresh PostgreSQL database (through the proxy when `proxied`),
// its dispatcher on or off.
std::vector<std::string> first_process_arguments(bool dispatches, bool proxied) {
  auto& setup = pending_setup();
  auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::postgres);
  if (!scratch.ok()) throw std::runtime_error(scratch.error().message);
  setup.scratch = std::move(scratch).value();
  setup.key_dir = make_temp_directory("roost-publish-across");
  std::string url = setup.scratch->url().postgres_conninfo;
  if (proxied) {
    setup.proxy = std::make_unique<StallingPostgresProxy>(port_of(url));
    url = with_port(url, setup.proxy->port());
  }
  auto arguments = common_arguments(setup.key_dir);
  arguments.insert(arguments.end(),
                   {"--database-url", url, "--publish-dispatcher", dispatches ? "true" : "false"});
  return arguments;
}

// Two `roost serve` on one PostgreSQL database, each polling once a minute: A (server_)
// takes the requests, B (second_) started after it with the same sealing key. Only a wake-up
// publishes within seconds.
class PublishAcrossProcesses : public PdsScenario {
 protected:
  PublishAcrossProcesses(bool first_dispatches, bool proxied)
      : PdsScenario(first_process_arguments(first_dispatches, proxied)),
        setup_(std::move(pending_setup())) {
    auto arguments = common_arguments(setup_.key_dir);
    arguments.insert(arguments.end(), {"--database-url", setup_.scratch->url().postgres_conninfo});
    second_ = std::make_unique<RoostServer>(arguments);
  }

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    acme_ = create_org(owner_, "Acme");
    profile_ = connect_pds_profile(owner_, acme_);
    ASSERT_NE(profile_, 0);
    // Both dispatchers came round at start (and at their LISTEN) and sleep their minute now.
    std::this_thread::sleep_for(500ms);
  }

  void TearDown() override {
    // Both processes end before the proxy and the database they use.
    second_.reset();
    server_.signal(SIGKILL);
    server_.wait(5s);
    std::error_code ignored;
    std::filesystem::remove_all(setup_.key_dir, ignored);
  }

  // Publish `text` now through A; returns the post id and how long the request took.
  std::pair<std::int64_t, std::int64_t> post_now(const std::string& text) {
    const auto sent = std::chrono::steady_clock::now();
    auto created = as(owner_, "POST", org_path(acme_) + "/posts",
                      {{"text", text},
                       {"targets", nlohmann::json::array({{{"profile_id", profile_}}})},
                       {"when", {{"mode", "now"}}}});
    const auto took = elapsed_ms(sent);
    EXPECT_EQ(created.status, 201) << created.body;
    return {created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0, took};
  }

  // The owner of the lease the post's job was sent under.
  std::string sender_of(std::int64_t post) {
    auto opened = storage::open_database(setup_.scratch->url(), {});
    EXPECT_TRUE(opened.ok());
    if (!opened.ok()) return "";
    auto job = storage::PublishJobRepository(**opened).find_for_target(core::PostId{post},
                                                                       core::ProfileId{profile_});
    EXPECT_TRUE(job.ok() && job->has_value());
    return job.ok() && job->has_value() ? (*job)->lease_owner : "";
  }
  static bool owned_by(const std::string& owner, const RoostServer& server) {
    return owner.find("-" + std::to_string(server.pid()) + "-") != std::string::npos;
  }
  std::string logs() { return "A:\n" + server_.log() + "\nB:\n" + second_->log(); }

  CrossProcessSetup setup_;
  std::unique_ptr<RoostServer> second_;
  User owner_;
  std::int64_t acme_ = 0, profile_ = 0;
};

class PublishAcrossProcessesBothDispatch : public PublishAcrossProcesses {
 protected:
  PublishAcrossProcessesBothDispatch() : PublishAcrossProcesses(true, false) {}
};

TEST_F(PublishAcrossProcessesBothDispatch, APostPublishedNowThroughOneIsSentWithinSeconds) {
  const std::string text = "across " + std::to_string(core::SystemClock().now_ms());
  auto [post, request_ms] = post_now(text);
  ASSERT_NE(post, 0);
  const auto sent = std::chrono::steady_clock::now();
  auto published = ms_until_on_pds(text, sent);
  ASSERT_TRUE(published.has_value()) << "not on the PDS within 5 s (the polls are 60 s)\n"
                                     << logs();
  const auto owner = sender_of(post);
  EXPECT_TRUE(owned_by(owner, server_) || owned_by(owner, *second_)) << owner;
  std::cout << "request " << request_ms << " ms; publish now -> on the PDS: " << *published
            << " ms, sent by " << (owned_by(owner, server_) ? "A" : "B") << "\n";
}

class PublishAcrossProcessesOnlyTheOtherDispatches : public PublishAcrossProcesses {
 protected:
  PublishAcrossProcessesOnlyTheOtherDispatches() : PublishAcrossProcesses(false, true) {}
};

// A runs no dispatcher (--publish-dispatcher false): only B, woken by A's NOTIFY, can send
// the post within seconds. Then A's notify connection stops answering (the proxy holds its
// NOTIFY): the request still completes at once, and B is woken when the NOTIFY goes through.
TEST_F(PublishAcrossProcessesOnlyTheOtherDispatches,
       TheOtherIsWokenByNotifyAndARequestDoesNotWaitForAStalledNotify) {
  EXPECT_NE(server_.wait_for_log("publish_dispatcher_disabled").find("publish_dispatcher_disabled"),
            std::string::npos);
  const std::string first = "woken " + std::to_string(core::SystemClock().now_ms());
  auto [post, request_ms] = post_now(first);
  ASSERT_NE(post, 0);
  auto published = ms_until_on_pds(first, std::chrono::steady_clock::now());
  ASSERT_TRUE(published.has_value()) << "B was not woken within 5 s\n" << logs();
  EXPECT_TRUE(owned_by(sender_of(post), *second_)) << sender_of(post);
  std::cout << "request " << request_ms << " ms; A's announcement -> B published: " << *published
            << " ms\n";

  setup_.proxy->stall(true);
  const std::string stalled = "stalled " + std::to_string(core::SystemClock().now_ms());
  auto [held_post, held_request_ms] = post_now(stalled);
  ASSERT_NE(held_post, 0);
  // The request did not wait for the NOTIFY (held until released, for as long as the test
  // likes): it answered like any other.
  EXPECT_LT(held_request_ms, 3'000);
  for (int i = 0; i < 100 && setup_.proxy->held_queries() == 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(setup_.proxy->held_queries(), 1) << "the announcer's NOTIFY never came\n" << logs();
  // Nobody told B: the post waits (its poll is a minute).
  EXPECT_FALSE(ms_until_on_pds(stalled, std::chrono::steady_clock::now(), 1'500ms).has_value());
  const auto released = std::chrono::steady_clock::now();
  setup_.proxy->stall(false);
  auto late = ms_until_on_pds(stalled, released);
  ASSERT_TRUE(late.has_value()) << "B was not woken once the NOTIFY went through\n" << logs();
  EXPECT_TRUE(owned_by(sender_of(held_post), *second_));
  std::cout << "request with the NOTIFY held: " << held_request_ms
            << " ms; released -> published: " << *late << " ms\n";
}

}  // namespace
}  // namespace roost::testing
