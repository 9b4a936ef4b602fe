// Two real `roost serve` processes on one PostgreSQL database (fixture postgres), both with
// --ingest-source on the real PDS's firehose (fixture bluesky_pds) — ADR 0027 end to end:
// exactly one leads and consumes, the other stands by and is healthy; a post written on the
// PDS becomes one stream item, and a member connected to the standby receives it live (the
// event crosses processes through LISTEN/NOTIFY, ADR 0026); the leader SIGKILLed, the standby
// takes over within seconds from the saved cursor: what was written meanwhile arrives, and
// nothing is doubled.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

#include "../storage/scratch_database.hpp"
#include "../support/bluesky_pds.hpp"
#include "../support/event_stream_client.hpp"
#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"
#include "core/clock.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;
using test::test_pds;

constexpr auto takeover_max = 5s;  // "within a few seconds": retry 300 ms + a connect

std::string firehose_url() {
  std::string url = test_pds().pds_url;
  if (url.starts_with("http://")) url.replace(0, 4, "ws");
  return url;
}

// The value of an unlabelled gauge or counter in a /metrics text; -1 when absent.
double metric(unsigned short port, const std::string& name) {
  const auto body = http_request(port, "GET", "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name.size() + 2));
}

struct Member {
  std::string cookie;
  std::string csrf;
};

class LeaderElection : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = storage::testing::ScratchDatabase::create(storage::Backend::postgres);
    ASSERT_TRUE(scratch.ok()) << scratch.error().message;
    scratch_ = std::move(scratch).value();
    // The first starts and takes the lock before it prints its URL; the second shares its
    // database and its secret key (the sealed secrets are the same rows).
    first_ = std::make_unique<RoostServer>(arguments());
    auto second = arguments();
    second.push_back("--secret-key-file");
    second.push_back((first_->data_dir() / "secret.key").string());
    second_ = std::make_unique<RoostServer>(second);
  }

  std::vector<std::string> arguments() const {
    const auto& pds = test_pds();
    return {"--database-url",
            scratch_->url().postgres_conninfo,
            "--bluesky-plc-url",
            pds.plc_url,
            "--bluesky-handle-resolver-url",
            pds.pds_url,
            "--ingest-source",
            firehose_url(),
            "--ingest-leader-retry-ms",
            "300",
            "--events-recheck-ms",
            "500"};
  }

  HttpResponse as(unsigned short port, const std::string& method, const std::string& target,
                  const nlohmann::json& body = nullptr) {
    std::map<std::string, std::string> headers = {{"Cookie", owner_.cookie},
                                                  {"X-CSRF-Token", owner_.csrf}};
    if (!body.is_null()) headers["Content-Type"] = "application/json";
    return http_request(port, method, target, body.is_null() ? std::string{} : body.dump(),
                        headers);
  }

  // The owner, an organization, a team and its stream of this run's tag, made through `port`.
  void set_up_stream(unsigned short port) {
    const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
    nlohmann::json ada = {
        {"email", "ada@example.com"}, {"display_name", "Ada"}, {"password", "analytical engine"}};
    ASSERT_EQ(http_request(port, "POST", "/api/v1/accounts", ada.dump(), json).status, 201);
    auto login = http_request(port, "POST", "/api/v1/sessions", ada.dump(), json);
    ASSERT_EQ(login.status, 201) << login.body;
    const auto cookie = login.header("set-cookie");
    owner_ = {cookie.substr(0, cookie.find(';')), login.json()["csrf_token"]};
    auto org = as(port, "POST", "/api/v1/orgs", {{"name", "Acme"}});
    ASSERT_EQ(org.status, 201) << org.body;
    org_ = org.json()["id"];
    auto team = as(port, "POST", org_path() + "/teams", {{"name", "Support"}});
    ASSERT_EQ(team.status, 201) << team.body;
    team_ = team.json()["id"];
    tag_ = "leader" + std::to_string(core::SystemClock().now_ms() % 100'000'000);
    stream_ = make_stream("Launch", "#" + tag_);
    author_ = test::create_test_account(test_pds());
  }

  std::int64_t make_stream(const std::string& name, const std::string& query) {
    auto created =
        as(first_->port(), "POST", org_path() + "/teams/" + std::to_string(team_) + "/streams",
           {{"name", name}, {"query", query}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0;
  }

  // A stream matches once the leader's matcher snapshot holds it (ADR 0024); a probe stream
  // made after it is in any snapshot that has it: once a probe post reaches the probe, the
  // stream under test matches.
  void wait_until_matching() {
    const auto probe = make_stream("Probe", "#probe" + tag_);
    for (int attempt = 0; attempt < 40; ++attempt) {
      post("probe #probe" + tag_);
      for (int poll = 0; poll < 5; ++poll) {
        if (!texts(first_->port(), probe).empty()) return;
        std::this_thread::sleep_for(100ms);
      }
    }
    FAIL() << "the stream never started matching";
  }

  test::CreatedRecord post(const std::string& text) {
    return test::create_record(test_pds(), author_, "app.bsky.feed.post",
                               {{"$type", "app.bsky.feed.post"},
                                {"text", text},
                                {"createdAt", core::format_utc_ms(core::SystemClock().now_ms())}});
  }

  std::string org_path() const { return "/api/v1/orgs/" + std::to_string(org_); }

  std::vector<std::string> texts(unsigned short port, std::int64_t stream) {
    auto listed =
        as(port, "GET", org_path() + "/streams/" + std::to_string(stream) + "/items?limit=200");
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<std::string> all;
    const auto body = listed.json();  // kept: a range over a temporary's member dangles
    for (const auto& item : body["items"]) all.push_back(item["text"]);
    return all;
  }

  // The stream's items once `count` are there (or as they are after 10 s), then again a
  // moment later: anything doubled would have arrived by then.
  std::multiset<std::string> settled_items(unsigned short port, std::size_t count) {
    for (int attempt = 0; attempt < 100 && texts(port, stream_).size() < count; ++attempt) {
      std::this_thread::sleep_for(100ms);
    }
    std::this_thread::sleep_for(1s);
    const auto all = texts(port, stream_);
    return {all.begin(), all.end()};
  }

  std::unique_ptr<WebSocketClient> events(unsigned short port) {
    auto client = std::make_unique<WebSocketClient>(
        port, "/api/v1/events?org=" + std::to_string(org_),
        std::map<std::string, std::string>{{"Cookie", owner_.cookie}});
    EXPECT_TRUE(client->open()) << client->status();
    if (client->open()) {
      EXPECT_EQ(client->read_json()["type"], "hello");
    }
    return client;
  }

  // The texts of the stream.item events of the stream under test that reach `client` within
  // `limit`, until `count` arrived.
  std::vector<std::string> live_texts(WebSocketClient& client, std::size_t count,
                                      std::chrono::milliseconds limit) {
    std::vector<std::string> seen;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (seen.size() < count) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      auto event = client.read_json_within(left);
      if (!event) break;
      if ((*event)["type"] == "stream.item" && (*event)["data"]["stream_id"] == stream_) {
        seen.push_back((*event)["data"]["text"]);
      }
    }
    return seen;
  }

  std::unique_ptr<storage::testing::ScratchDatabase> scratch_;  // outlives the servers
  std::unique_ptr<RoostServer> first_;
  std::unique_ptr<RoostServer> second_;
  Member owner_;
  std::int64_t org_ = 0, team_ = 0, stream_ = 0;
  std::string tag_;
  test::TestAccount author_;
};

TEST_F(LeaderElection, OneLeadsTheStandbyRelaysLiveEventsAndTakesOverWhenTheLeaderDies) {
  // Exactly one leads: the gauge and /readyz agree, and a standby is healthy.
  const double first_leads = metric(first_->port(), "roost_ingest_leader");
  const double second_leads = metric(second_->port(), "roost_ingest_leader");
  ASSERT_EQ(first_leads + second_leads, 1.0) << first_leads << " + " << second_leads;
  RoostServer& leader = first_leads == 1.0 ? *first_ : *second_;
  RoostServer& standby = first_leads == 1.0 ? *second_ : *first_;
  auto ready = http_request(standby.port(), "GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["status"], "ready") << ready.body;  // not degraded
  EXPECT_TRUE(ready.json()["checks"]["ingest"]["ok"]);
  EXPECT_EQ(ready.json()["checks"]["ingest"]["detail"].get<std::string>().rfind("standby: ", 0), 0u)
      << ready.body;
  auto leading = http_request(leader.port(), "GET", "/readyz").json();
  EXPECT_EQ(leading["checks"]["ingest"]["detail"].get<std::string>().rfind("leader: ", 0), 0u)
      << leading.dump();
  EXPECT_EQ(metric(standby.port(), "roost_ingest_frames_total"), 0);  // it reads nothing

  ASSERT_NO_FATAL_FAILURE(set_up_stream(standby.port()));
  ASSERT_NO_FATAL_FAILURE(wait_until_matching());

  // A member connected to the standby: the leader records the item, its event reaches the
  // standby through LISTEN/NOTIFY.
  auto on_standby = events(standby.port());
  auto on_leader = events(leader.port());
  const auto written_at = std::chrono::steady_clock::now();
  post("one #" + tag_);
  EXPECT_EQ(live_texts(*on_standby, 1, 5s), std::vector<std::string>{"one #" + tag_});
  std::cout << "PDS write -> stream.item at a member of the standby: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - written_at)
                   .count()
            << " ms\n";
  EXPECT_EQ(live_texts(*on_leader, 1, 5s), std::vector<std::string>{"one #" + tag_});
  post("two #" + tag_);
  EXPECT_EQ(live_texts(*on_standby, 1, 5s), std::vector<std::string>{"two #" + tag_});
  EXPECT_EQ(settled_items(standby.port(), 2),
            (std::multiset<std::string>{"one #" + tag_, "two #" + tag_}));
  EXPECT_EQ(metric(standby.port(), "roost_ingest_frames_total"), 0);

  // The leader dies without a word; what is written meanwhile waits in the PDS's firehose.
  leader.signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  post("three #" + tag_);
  post("four #" + tag_);
  bool took_over = false;
  while (!took_over && std::chrono::steady_clock::now() - killed_at < takeover_max) {
    took_over = metric(standby.port(), "roost_ingest_leader") == 1.0;
    if (!took_over) std::this_thread::sleep_for(50ms);
  }
  const auto takeover = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed_at);
  ASSERT_TRUE(took_over)
      << "the standby did not take over within "
      << std::chrono::duration_cast<std::chrono::milliseconds>(takeover_max).count() << " ms:\n"
      << standby.log();
  std::cout << "leader SIGKILLed -> standby leads: " << takeover.count() << " ms\n";
  EXPECT_EQ(metric(standby.port(), "roost_ingest_leader_takeovers_total"), 1);
  post("five #" + tag_);

  std::multiset<std::string> expected;
  for (const char* word : {"one", "two", "three", "four", "five"}) {
    expected.insert(std::string(word) + " #" + tag_);
  }
  EXPECT_EQ(settled_items(standby.port(), 5), expected);
  // Live too, each once: the new leader's own events, for what it recorded.
  auto live = live_texts(*on_standby, 3, 5s);
  EXPECT_EQ(std::multiset<std::string>(live.begin(), live.end()),
            (std::multiset<std::string>{"three #" + tag_, "four #" + tag_, "five #" + tag_}));
  EXPECT_EQ(on_standby->read_json_within(1s), std::nullopt);  // and nothing more
  auto now_ready = http_request(standby.port(), "GET", "/readyz").json();
  EXPECT_EQ(now_ready["checks"]["ingest"]["detail"].get<std::string>().rfind("leader: ", 0), 0u)
      << now_ready.dump();
}

}  // namespace
}  // namespace roost::testing
