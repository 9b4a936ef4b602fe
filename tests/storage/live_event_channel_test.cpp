// PostgreSQL LISTEN/NOTIFY between processes (storage::LiveEventChannel): two channels on one
// database stand for two roost processes.
#include "storage/live_event_channel.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "core/limits.hpp"
#include "scratch_database.hpp"
#include "storage/postgres/postgres_live_event_channel.hpp"
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

// ADR 0035: the channels' connections give up connecting after a few seconds and get the
// keepalives of every connection held outside the pool; what the operator set stays.
TEST(LiveEventChannelConninfo, AddsAConnectTimeoutAndKeepalives) {
  EXPECT_EQ(postgres::live_event_channel_conninfo("postgresql://roost@127.0.0.1:5432/roost"),
            "postgresql://roost@127.0.0.1:5432/roost?keepalives=1&keepalives_idle=10&"
            "keepalives_interval=5&keepalives_count=3&tcp_user_timeout=25000&connect_timeout=5");
  EXPECT_EQ(postgres::live_event_channel_conninfo("host=db dbname=roost connect_timeout=30"),
            "host=db dbname=roost connect_timeout=30 keepalives=1 keepalives_idle=10 "
            "keepalives_interval=5 keepalives_count=3 tcp_user_timeout=25000");
}

// A server that takes the TCP connection and never answers (a hung or half-dead PostgreSQL):
// the channel's connect gives up after its connect timeout instead of waiting for good, so
// whoever sends (the dispatcher's announcer, ADR 0035) is held seconds at most.
TEST(LiveEventChannel, AServerThatNeverAnswersCostsTheConnectTimeoutNotForever) {
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent, 8), 0);  // the kernel completes handshakes; nobody reads
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const auto port = ntohs(address.sin_port);
  auto channel = postgres::open_postgres_live_event_channel(
      "postgresql://roost@127.0.0.1:" + std::to_string(port) + "/roost", "roost_publish_due");

  const auto started = std::chrono::steady_clock::now();
  auto sent = channel->notify("owner");
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(failed_with(sent, core::ErrorCode::unavailable));
  EXPECT_LT(took, core::limits::live_event_connect_timeout + 5s);
  std::cout << "notify to a silent server gave up after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
  ::close(silent);
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
