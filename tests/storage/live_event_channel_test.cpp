// PostgreSQL LISTEN/NOTIFY between processes (storage::LiveEventChannel): two channels on one
// database stand for two roost processes.
#include "storage/live_event_channel.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>

#include "core/limits.hpp"
#include "scratch_database.hpp"
#include "storage_test_support.hpp"

namespace roost::storage::testing {
namespace {

using namespace std::chrono_literals;

// Everything `channel` receives within `limit`, until `count` payloads arrived.
std::vector<std::string> receive_until(LiveEventChannel& channel, std::size_t count,
                                       std::chrono::milliseconds limit = 5s) {
  std::vector<std::string> all;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (all.size() < count && std::chrono::steady_clock::now() < deadline) {
    auto received = channel.receive(100ms);
    if (!received) continue;
    all.insert(all.end(), received->begin(), received->end());
  }
  return all;
}

TEST(LiveEventChannel, SqliteHasNone) {
  auto url = parse_database_url("sqlite:///tmp/none.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(open_live_event_channel(*url), nullptr);
}

TEST(PostgresLiveEventChannel, WhatOneProcessSendsEveryProcessReceivesInOrder) {
  auto scratch = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(scratch));
  auto first = open_live_event_channel((*scratch)->url());
  auto second = open_live_event_channel((*scratch)->url());
  ASSERT_TRUE(first && second);
  // Listening starts with the first receive.
  ASSERT_TRUE(first->receive(1ms).ok());
  ASSERT_TRUE(second->receive(1ms).ok());

  ASSERT_TRUE(first->notify(R"({"n":1})").ok());
  ASSERT_TRUE(second->notify(R"({"n":2})").ok());
  ASSERT_TRUE(first->notify(R"({"n":3,"text":"caf\u00e9 🐦"})").ok());
  std::vector<std::string> expected{R"({"n":1})", R"({"n":2})", R"({"n":3,"text":"caf\u00e9 🐦"})"};
  EXPECT_EQ(receive_until(*first, 3), expected);
  EXPECT_EQ(receive_until(*second, 3), expected);
}

TEST(PostgresLiveEventChannel, APayloadOverTheNotifyLimitIsRefused) {
  auto scratch = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(scratch));
  auto channel = open_live_event_channel((*scratch)->url());
  ASSERT_TRUE(channel);
  auto sent = channel->notify(std::string(core::limits::live_event_payload_bytes_max + 1, 'x'));
  EXPECT_TRUE(failed_with(sent, core::ErrorCode::invalid_request));
  EXPECT_TRUE(channel->notify(std::string(core::limits::live_event_payload_bytes_max, 'x')).ok());
}

TEST(PostgresLiveEventChannel, ALostListeningConnectionIsReportedThenReplaced) {
  auto scratch = ScratchDatabase::create(Backend::postgres);
  ASSERT_TRUE(succeeded(scratch));
  auto listener = open_live_event_channel((*scratch)->url());
  auto sender = open_live_event_channel((*scratch)->url());
  ASSERT_TRUE(listener && sender);
  ASSERT_TRUE(listener->receive(1ms).ok());

  // The listener's backend: the one of this scratch database whose last query was LISTEN.
  pqxx::connection killer((*scratch)->url().postgres_conninfo);
  auto killed = pqxx::nontransaction(killer).exec(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'");
  ASSERT_EQ(killed.size(), 1u);

  bool reported = false;
  for (int attempt = 0; attempt < 20 && !reported; ++attempt) {
    auto received = listener->receive(100ms);
    reported = !received.ok() && received.error().code == core::ErrorCode::unavailable;
  }
  EXPECT_TRUE(reported);
  // Listening again, it receives what is sent from then on.
  ASSERT_TRUE(listener->receive(1ms).ok());
  ASSERT_TRUE(sender->notify("after").ok());
  EXPECT_EQ(receive_until(*listener, 1), std::vector<std::string>{"after"});
}

}  // namespace
}  // namespace roost::storage::testing
