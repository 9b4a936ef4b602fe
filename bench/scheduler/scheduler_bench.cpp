// bench_scheduler — issue 4's scheduler benchmark against the real test PDS
// (tests/peers/bluesky-pds; start it with tests/support/bluesky_pds_fixture.sh start DIR and
// pass DIR/info.json, or set ROOST_TEST_BLUESKY_PDS_INFO_FILE).
//
// 1. The limit: createRecord called directly (BlueskyNetwork::publish), with as many
//    threads as the dispatcher uses, one profile per thread at a time; before the
//    dispatcher and after it, the faster of the two.
// 2. Roost: `posts` posts over `profiles` profiles, all due in the same second, published
//    by scheduler::PublishDispatcher from a scratch SQLite database.
// Prints both rates, their ratio, and the lateness (published - due) at p50 and p99.
//
//   bench_scheduler INFO_JSON [profiles=20] [posts=2000] [direct_posts=400]
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "../../tests/support/bluesky_pds.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "networks/bluesky/bluesky_network.hpp"
#include "scheduler/publish_dispatcher.hpp"
#include "storage/migrations.hpp"
#include "storage/organization_repository.hpp"
#include "storage/user_repository.hpp"

namespace {

using namespace roost;
using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_scheduler: %s\n", what.c_str());
  std::exit(1);
}

template <class T, class E>
T must(core::Result<T, E> result, const char* what) {
  if (!result.ok()) die(what);
  return std::move(result).value();
}

template <class E>
void must(core::Result<void, E> result, const char* what) {
  if (!result.ok()) die(what);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t percentile(std::vector<std::int64_t> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) die("usage: bench_scheduler INFO_JSON [profiles] [posts] [direct_posts]");
  setenv("ROOST_TEST_BLUESKY_PDS_INFO_FILE", argv[1], 1);
  const int profile_count = argc > 2 ? std::atoi(argv[2]) : 20;
  const int post_count = argc > 3 ? std::atoi(argv[3]) : 2'000;
  const int direct_count = argc > 4 ? std::atoi(argv[4]) : 400;
  core::initialize_crypto();
  const auto& pds = test::test_pds();
  networks::bluesky::BlueskyNetwork network(test::test_bluesky_settings(pds));
  core::SystemClock clock;

  auto directory = std::filesystem::temp_directory_path() / ("roost-bench-" + core::random_hex(6));
  std::filesystem::create_directories(directory);
  auto url = must(storage::parse_database_url("sqlite://" + (directory / "roost.db").string()),
                  "database url");
  auto database = must(storage::open_database(url, {}), "open database");
  must(storage::migrate(*database), "migrate");
  storage::UserRepository users(*database);
  auto ada =
      must(users.create({"ada@example.com", "ada@example.com", "Ada", "$argon2id$x", 1}), "user")
          .id;
  storage::OrganizationRepository organizations(*database);
  storage::AuditEvent audit{{}, ada, "bench", "", "{}", "bench", clock.now_ms()};
  auto org =
      must(organizations.create({"Bench", profile_count + 1, 10, ada, clock.now_ms()}, audit),
           "org")
          .id;
  audit.org = org;
  core::Keyring keyring;
  keyring.add(core::make_secret_key(core::random_bytes(core::secret_key_bytes).data()));
  storage::PublishJobRepository jobs(*database);
  storage::PostRepository posts(*database);
  storage::ProfileRepository profiles(*database);
  storage::NotificationRepository notifications(*database);
  services::OutboundSettings outbound;
  services::ProfileAlerts alerts(profiles, users, notifications, clock, outbound);
  services::ProfileCredentialVault vault(profiles, keyring, clock);

  std::vector<core::ProfileId> profile_ids;
  std::vector<networks::ProfileCredentials> sessions;
  for (int i = 0; i < profile_count; ++i) {
    auto account = test::create_test_account(pds);
    auto password = test::create_app_password(pds, account, "bench");
    auto session =
        must(network.connect_with_app_password(account.handle, password, std::nullopt), "connect");
    storage::ProfileDraft draft{org,         "bluesky", account.did, account.handle, "", "",
                                pds.pds_url, ada,       ada,         clock.now_ms()};
    auto profile = must(profiles.create(draft, audit), "profile").id;
    must(vault.store(profile, session), "store credentials");
    profile_ids.push_back(profile);
    sessions.push_back(session);
  }

  // 1. The PDS's own rate, with the dispatcher's threads: measured before the dispatcher and
  // again after it, and the faster taken as the limit. A fresh PDS writes a repository's
  // first records slower, so the run before alone understated the limit (ratios above 1).
  const auto threads = static_cast<int>(core::limits::publish_dispatch_threads);
  auto measure_direct = [&](const char* label) {
    std::atomic<int> next_direct{0};
    auto direct_start = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int n = next_direct.fetch_add(1); n < direct_count; n = next_direct.fetch_add(1)) {
          // Thread t writes to the profiles t, t + threads, …: one profile per thread at a time.
          const int per_thread = std::max(1, profile_count / threads);
          auto& session =
              sessions[static_cast<std::size_t>((n % per_thread) * threads + t) % sessions.size()];
          networks::PostContent content;
          content.text = std::string(label) + " " + std::to_string(n);
          content.created_at = std::chrono::system_clock::now();
          auto published = network.publish(session, test::unique_test_record_key(), content);
          if (!published.ok()) die("direct createRecord: " + published.error().message);
        }
      });
    }
    for (auto& worker : workers) worker.join();
    return direct_count / seconds_since(direct_start);
  };
  const double direct_before = measure_direct("direct before");

  // 2. Every post due in the same second, a little after they are all written.
  constexpr std::int64_t lead_ms = 20'000;
  const std::int64_t due_at_ms = clock.now_ms() + lead_ms;
  for (int n = 0; n < post_count; ++n) {
    storage::NewPost post;
    post.org = org;
    post.author = ada;
    post.state = storage::PostState::scheduled;
    post.text = "scheduled " + std::to_string(n);
    post.schedule.at_ms = due_at_ms;
    post.schedule.time_zone = "UTC";
    post.targets.push_back({profile_ids[static_cast<std::size_t>(n % profile_count)], std::nullopt,
                            "hash" + std::to_string(n)});
    auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    must(posts.create(post, now_us, audit), "create post");
  }
  if (clock.now_ms() >= due_at_ms) die("writing the posts took longer than the lead time");
  scheduler::PublishDispatcherOptions options;
  options.owner = scheduler::make_dispatcher_owner();
  scheduler::PublishDispatcher dispatcher(jobs, posts, profiles, alerts, vault,
                                          scheduler::DispatchNetworks{{&network}}, clock, options);
  dispatcher.start();
  for (;;) {
    auto counted = must(jobs.count_by_state(), "count");
    if (counted.done + counted.failed >= post_count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  dispatcher.stop();
  const double direct_after = measure_direct("direct after");
  const double direct_rate = std::max(direct_before, direct_after);

  // Lateness from what the database recorded.
  std::vector<std::int64_t> lateness;
  std::int64_t last_published_ms = due_at_ms;
  std::int64_t published = 0;
  for (std::int64_t id = 1; id <= post_count; ++id) {
    auto post = must(posts.find(org, core::PostId{id}), "find post");
    if (!post || post->targets.empty() || !post->targets[0].published_at_ms) continue;
    ++published;
    lateness.push_back(*post->targets[0].published_at_ms - due_at_ms);
    last_published_ms = std::max(last_published_ms, *post->targets[0].published_at_ms);
  }
  double roost_rate = published / (static_cast<double>(last_published_ms - due_at_ms) / 1'000.0);
  std::printf("profiles %d, posts %d (published %lld), threads %d\n", profile_count, post_count,
              static_cast<long long>(published), threads);
  std::printf("PDS createRecord direct: %.1f records/s before, %.1f after (%d records each)\n",
              direct_before, direct_after, direct_count);
  std::printf("roost dispatcher:        %.1f posts/s\n", roost_rate);
  std::printf("ratio to the limit:      %.2f (the faster direct rate)\n", roost_rate / direct_rate);
  std::printf("lateness p50 %lld ms, p99 %lld ms, max %lld ms\n",
              static_cast<long long>(percentile(lateness, 0.50)),
              static_cast<long long>(percentile(lateness, 0.99)),
              static_cast<long long>(percentile(lateness, 1.0)));
  std::filesystem::remove_all(directory);
  return published == post_count ? 0 : 1;
}
