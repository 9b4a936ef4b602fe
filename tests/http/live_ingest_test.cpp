// The live path end to end, on the real binary and the real PDS (fixture bluesky_pds): roost
// consumes the PDS's firehose (--ingest-source), a post written on the PDS becomes a stream
// item of the team whose stream matches it — in the REST API and as a live event to that
// team's members within a second — and never reaches another team's member or another
// organization's; a restart resumes from the saved cursor with nothing lost or doubled.
#include <signal.h>

#include <chrono>
#include <iostream>
#include <set>
#include <thread>

#include "../support/bluesky_pds.hpp"
#include "../support/event_stream_client.hpp"
#include "core/clock.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;
using test::create_test_account;
using test::test_pds;
using test::TestAccount;

constexpr auto delivery_max = 1s;  // issue 5: within 1 s
constexpr auto quiet_wait = 1500ms;

std::string firehose_url() {
  std::string url = test_pds().pds_url;
  if (url.starts_with("http://")) url.replace(0, 4, "ws");
  return url;
}

std::vector<std::string> server_arguments() {
  const auto& pds = test_pds();
  return {"--bluesky-plc-url", pds.plc_url,    "--bluesky-handle-resolver-url", pds.pds_url,
          "--ingest-source",   firehose_url(), "--events-recheck-ms",           "500"};
}

test::CreatedRecord post(const TestAccount& account, const std::string& text) {
  return test::create_record(test_pds(), account, "app.bsky.feed.post",
                             {{"$type", "app.bsky.feed.post"},
                              {"text", text},
                              {"createdAt", core::format_utc_ms(core::SystemClock().now_ms())}});
}

class LiveIngestTest : public OrgScenarioTest {
 protected:
  LiveIngestTest() : OrgScenarioTest(server_arguments()) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    bob_ = sign_up("bob@example.com");
    carol_ = sign_up("carol@example.com");
    eve_ = sign_up("eve@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(eve_, "Globex");
    add_member(acme_, bob_, domain::OrgRole::member);
    add_member(acme_, carol_, domain::OrgRole::member);
    support_ = create_team(owner_, acme_, "Support");
    sales_ = create_team(owner_, acme_, "Sales");
    join(support_, bob_);
    join(sales_, carol_);
    // Each run tags its posts with a word of its own: the PDS is shared by the whole suite.
    tag_ = "roost" + std::to_string(core::SystemClock().now_ms() % 100'000'000);
    auto created = as(owner_, "POST", team_path(support_) + "/streams",
                      {{"name", "Launch"}, {"query", "#" + tag_}});
    ASSERT_EQ(created.status, 201) << created.body;
    stream_ = created.json()["id"];
    author_ = create_test_account(test_pds());
    // The consumer is connected once the server reports ingest in /readyz.
    wait_until_ingesting();
    wait_until_matching();
  }

  // A stream starts matching once the matcher's snapshot that holds it is compiled (ADR
  // 0024: batches meanwhile match the previous snapshot, ingestion never waits). A probe
  // stream of a team nobody here is in, made after the stream under test, is in any snapshot
  // that has that stream too: once a probe post reaches it, the stream under test matches.
  void wait_until_matching() {
    auto probe_team = create_team(owner_, acme_, "Probe " + std::to_string(++probes_));
    auto probe = as(owner_, "POST", team_path(probe_team) + "/streams",
                    {{"name", "Probe"}, {"query", "#probe" + tag_}});
    ASSERT_EQ(probe.status, 201) << probe.body;
    const std::string probe_items = org_path(acme_) + "/streams/" +
                                    std::to_string(probe.json()["id"].get<std::int64_t>()) +
                                    "/items";
    for (int attempt = 0; attempt < 40; ++attempt) {
      post(author_, "probe #probe" + tag_);
      for (int poll = 0; poll < 5; ++poll) {
        const auto listed = as(owner_, "GET", probe_items).json();
        if (!listed["items"].empty()) return;
        std::this_thread::sleep_for(100ms);
      }
    }
    FAIL() << "the streams never started matching";
  }

  void join(std::int64_t team, const User& user) {
    auto joined = as(owner_, "PUT", team_path(team) + "/members/" + std::to_string(user.id),
                     {{"team_role", "member"}});
    ASSERT_EQ(joined.status, 200) << joined.body;
  }
  std::string team_path(std::int64_t team) const {
    return org_path(acme_) + "/teams/" + std::to_string(team);
  }
  std::string items_path() const {
    return org_path(acme_) + "/streams/" + std::to_string(stream_) + "/items";
  }
  std::unique_ptr<WebSocketClient> events_of(const User& user, std::int64_t org,
                                             const std::string& resume = {}) {
    auto client = std::make_unique<WebSocketClient>(
        port(), "/api/v1/events?org=" + std::to_string(org) + resume,
        std::map<std::string, std::string>{{"Cookie", "roost_session=" + user.token}});
    EXPECT_TRUE(client->open()) << client->status();
    if (client->open()) {
      EXPECT_EQ(client->read_json()["type"], "hello");
    }
    return client;
  }
  void wait_until_ingesting() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto ready = request("GET", "/readyz");
      auto checks = ready.json()["checks"];
      for (const auto& [name, check] : checks.items()) {
        if (name.find("ingest") != std::string::npos && check["ok"] == true) return;
      }
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "ingest never became ready: " << request("GET", "/readyz").body;
  }
  // The texts of the stream's items, newest first, as the REST API lists them.
  std::vector<std::string> item_texts(const User& user) {
    auto listed = as(user, "GET", items_path() + "?limit=200");
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<std::string> texts;
    const auto body = listed.json();  // kept: a range over a temporary's member dangles
    for (const auto& item : body["items"]) texts.push_back(item["text"]);
    return texts;
  }

  // A Bluesky account connected as a profile of Acme, granted to `team` at `level`.
  std::pair<TestAccount, std::int64_t> connect_brand(std::int64_t team, const std::string& level) {
    auto brand = create_test_account(test_pds());
    auto connected = as(owner_, "POST", org_path(acme_) + "/profiles",
                        {{"identifier", brand.handle},
                         {"app_password", test::create_app_password(test_pds(), brand, "roost")}});
    EXPECT_EQ(connected.status, 201) << connected.body;
    const std::int64_t profile =
        connected.status == 201 ? connected.json()["id"].get<std::int64_t>() : 0;
    auto granted =
        as(owner_, "POST", org_path(acme_) + "/profile-grants",
           {{"grants", {{{"team_id", team}, {"profile_id", profile}, {"level", level}}}}});
    EXPECT_EQ(granted.status, 200) << granted.body;
    return {brand, profile};
  }

  // A post by `by` that starts with a mention of `of`, linked as the facet of its DID.
  static test::CreatedRecord mention(const TestAccount& by, const TestAccount& of,
                                     const std::string& rest) {
    const std::string text = "@" + of.handle + rest;
    const auto mention_end = static_cast<int>(1 + of.handle.size());
    return test::create_record(
        test_pds(), by, "app.bsky.feed.post",
        {{"$type", "app.bsky.feed.post"},
         {"text", text},
         {"createdAt", core::format_utc_ms(core::SystemClock().now_ms())},
         {"facets",
          {{{"index", {{"byteStart", 0}, {"byteEnd", mention_end}}},
            {"features", {{{"$type", "app.bsky.richtext.facet#mention"}, {"did", of.did}}}}}}}});
  }

  User owner_, bob_, carol_, eve_;
  std::int64_t acme_ = 0, globex_ = 0, support_ = 0, sales_ = 0, stream_ = 0;
  std::string tag_;
  TestAccount author_;
  int probes_ = 0;
};

TEST_F(LiveIngestTest, AMatchingPostReachesTheTeamWithinASecondAndNoOneElse) {
  auto bob = events_of(bob_, acme_);
  auto carol = events_of(carol_, acme_);
  auto eve = events_of(eve_, globex_);

  const std::string text = "Launch day for the shared inbox #" + tag_;
  auto written_at = std::chrono::steady_clock::now();
  auto record = post(author_, text);
  auto event = bob->read_json_within(5s);
  auto latency = std::chrono::steady_clock::now() - written_at;
  ASSERT_TRUE(event.has_value()) << "no stream.item reached the team's member";
  EXPECT_EQ((*event)["type"], "stream.item");
  EXPECT_EQ((*event)["data"]["text"], text);
  EXPECT_EQ((*event)["data"]["uri"], record.uri);
  EXPECT_EQ((*event)["data"]["stream_id"], stream_);
  EXPECT_LE(latency, delivery_max)
      << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms";
  std::cout << "PDS write -> stream.item at the member: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms\n";

  EXPECT_EQ(item_texts(bob_), std::vector<std::string>{text});
  // Another team's member and another organization's see nothing, live or in REST.
  EXPECT_EQ(carol->read_json_within(quiet_wait), std::nullopt);
  EXPECT_EQ(eve->read_json_within(100ms), std::nullopt);
  EXPECT_EQ(as(carol_, "GET", items_path()).status, 404);
  EXPECT_EQ(as(eve_, "GET", items_path()).status, 404);
  EXPECT_EQ(
      as(eve_, "GET", org_path(globex_) + "/streams/" + std::to_string(stream_) + "/items").status,
      404);
}

// A mention of the organization's profile becomes an inbox item for the teams that have the
// profile: live to their members within a second, in the inbox, and to no one else.
TEST_F(LiveIngestTest, AMentionOfAProfileReachesItsTeamsInboxAndNoOneElse) {
  auto [brand, profile] = connect_brand(support_, "limited");
  ASSERT_NE(profile, 0);
  // The audiences of a connected client are its teams' profiles as of the last recheck.
  auto bob = events_of(bob_, acme_);
  auto carol = events_of(carol_, acme_);
  auto eve = events_of(eve_, globex_);

  const std::string text = "@" + brand.handle + " is the order shipped?";
  auto written_at = std::chrono::steady_clock::now();
  auto record = mention(author_, brand, " is the order shipped?");
  auto event = bob->read_json_within(5s);
  auto latency = std::chrono::steady_clock::now() - written_at;
  ASSERT_TRUE(event.has_value()) << "no inbox.item reached the team's member";
  EXPECT_EQ((*event)["type"], "inbox.item");
  EXPECT_EQ((*event)["data"]["kind"], "mention");
  EXPECT_EQ((*event)["data"]["post"]["uri"], record.uri);
  EXPECT_EQ((*event)["data"]["profile_id"], profile);
  EXPECT_LE(latency, delivery_max)
      << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms";
  std::cout << "PDS write -> inbox.item at the member: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms\n";

  auto inbox = as(bob_, "GET", org_path(acme_) + "/inbox");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  ASSERT_EQ(inbox.json()["items"].size(), 1u);
  EXPECT_EQ(inbox.json()["items"][0]["text"], text);
  EXPECT_EQ(carol->read_json_within(quiet_wait), std::nullopt);
  EXPECT_EQ(eve->read_json_within(100ms), std::nullopt);
  EXPECT_TRUE(as(carol_, "GET", org_path(acme_) + "/inbox").json()["items"].empty());
  EXPECT_EQ(as(eve_, "GET", org_path(acme_) + "/inbox").status, 404);

  // The handle worker resolves the author's DID off the ingest path (ADR 0032): the item
  // then shows the author's handle.
  nlohmann::json shown;
  for (int attempt = 0; attempt < 150; ++attempt) {
    const auto listed = as(bob_, "GET", org_path(acme_) + "/inbox").json();
    shown = listed["items"][0]["author_handle"];
    if (shown == author_.handle) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(shown, author_.handle);
}

// ADR 0032: from:<handle> is resolved to the account's DID when the stream is saved (the
// query keeps the handle as written); a post by that account on the PDS becomes an item, one
// by another account does not; the item's author handle appears once the worker resolved it.
TEST_F(LiveIngestTest, AFromHandleStreamMatchesThatAccountsPostsOnly) {
  auto alice = create_test_account(test_pds());
  auto other = create_test_account(test_pds());
  auto created = as(owner_, "POST", team_path(support_) + "/streams",
                    {{"name", "Alice"}, {"query", "from:" + alice.handle}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["query"], "from:" + alice.handle);
  EXPECT_EQ(created.json()["resolved_dids"][alice.handle], alice.did);
  const std::string items = org_path(acme_) + "/streams/" +
                            std::to_string(created.json()["id"].get<std::int64_t>()) + "/items";
  wait_until_matching();

  post(other, "not alice's #" + tag_);
  auto record = post(alice, "alice writes");
  nlohmann::json listed;
  for (int attempt = 0; attempt < 50; ++attempt) {
    listed = as(bob_, "GET", items).json();
    if (!listed["items"].empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(500ms);  // the other account's post would have arrived by now
  listed = as(bob_, "GET", items).json();
  ASSERT_EQ(listed["items"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["items"][0]["uri"], record.uri);
  EXPECT_EQ(listed["items"][0]["author_did"], alice.did);

  nlohmann::json handle;
  for (int attempt = 0; attempt < 150; ++attempt) {
    handle = as(bob_, "GET", items).json()["items"][0]["author_handle"];
    if (handle == alice.handle) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(handle, alice.handle);
}

TEST_F(LiveIngestTest, AnUnknownFromHandleIsRefusedNamingItAndNothingIsSaved) {
  const auto before = as(owner_, "GET", team_path(support_) + "/streams").json()["streams"].size();
  auto refused = as(owner_, "POST", team_path(support_) + "/streams",
                    {{"name", "Ghost"}, {"query", "roost from:nobody-" + tag_ + ".test"}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("from:nobody-" + tag_ + ".test"), std::string::npos) << refused.body;
  EXPECT_EQ(as(owner_, "GET", team_path(support_) + "/streams").json()["streams"].size(), before);
}

// A client that connects without a resume point starts with live events (it has just read
// the REST API); one that resumes gets what the server still holds after its last event.
// ADR 0034: a routing rule naming its author by handle is saved with the DID the handle
// resolves to (the API shows the handle as typed and that DID) and routes that account's
// mention, which names its author by DID only, to the rule's team; another account's does
// not. An unknown handle is 422 and saves nothing; who may manage rules is unchanged.
TEST_F(LiveIngestTest, ARuleNamingAnAuthorByHandleRoutesTheirMentionToItsTeam) {
  auto [brand, profile] = connect_brand(support_, "limited");
  ASSERT_NE(profile, 0);
  auto fan = create_test_account(test_pds());
  const std::string rules = org_path(acme_) + "/inbox-rules";
  const nlohmann::json body{
      {"name", "Fan"}, {"author", "@" + fan.handle}, {"assign_team_id", sales_}};
  EXPECT_EQ(as(bob_, "POST", rules, body).status, 403);
  EXPECT_EQ(as(eve_, "POST", rules, body).status, 404);
  auto unknown =
      as(owner_, "POST", rules, {{"name", "Ghost"}, {"author", "nobody-" + tag_ + ".test"}});
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_NE(unknown.body.find("nobody-" + tag_ + ".test"), std::string::npos) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["details"][0]["field"], "author");
  EXPECT_TRUE(as(owner_, "GET", rules).json()["rules"].empty());

  auto created = as(owner_, "POST", rules, body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["author"], fan.handle);
  EXPECT_EQ(created.json()["author_did"], fan.did);
  const auto listed_rules = as(owner_, "GET", rules).json();
  ASSERT_EQ(listed_rules["rules"].size(), 1u);
  EXPECT_EQ(listed_rules["rules"][0]["author_did"], fan.did);

  auto by_fan = mention(fan, brand, " my order is late");
  auto by_other = mention(author_, brand, " hello");
  nlohmann::json items;
  for (int attempt = 0; attempt < 100; ++attempt) {
    items = as(owner_, "GET", org_path(acme_) + "/inbox").json()["items"];
    if (items.size() >= 2) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(items.size(), 2u) << items.dump();
  for (const auto& item : items) {
    if (item["post"]["uri"] == by_fan.uri) {
      EXPECT_EQ(item["author_did"], fan.did);
      EXPECT_EQ(item["team_id"], sales_) << item.dump();
      EXPECT_EQ(item["routed_by_rule_id"], created.json()["id"]);
    } else {
      EXPECT_EQ(item["post"]["uri"], by_other.uri);
      EXPECT_NE(item["team_id"], sales_) << item.dump();
      EXPECT_TRUE(item["routed_by_rule_id"].is_null());
    }
  }
}

TEST_F(LiveIngestTest, OnlyAResumingClientIsSentPastEvents) {
  auto bob = events_of(bob_, acme_);
  post(author_, "past #" + tag_);
  auto live = bob->read_json_within(5s);
  ASSERT_TRUE(live.has_value());
  const std::uint64_t id = (*live)["id"];

  auto fresh = events_of(bob_, acme_);
  EXPECT_EQ(fresh->read_json_within(quiet_wait), std::nullopt);
  auto resuming = events_of(bob_, acme_, "&last_event_id=" + std::to_string(id - 1));
  auto replayed = resuming->read_json_within(5s);
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ((*replayed)["id"], id);
  EXPECT_EQ((*replayed)["data"]["text"], "past #" + tag_);
}

TEST_F(LiveIngestTest, APostThatMatchesNothingBecomesNoItem) {
  auto bob = events_of(bob_, acme_);
  post(author_, "Nothing to see here #not" + tag_);
  EXPECT_EQ(bob->read_json_within(quiet_wait), std::nullopt);
  EXPECT_TRUE(item_texts(bob_).empty());
}

TEST_F(LiveIngestTest, ARestartResumesFromTheCursorWithNothingLostOrDoubled) {
  post(author_, "one #" + tag_);
  post(author_, "two #" + tag_);
  for (int attempt = 0; attempt < 50 && item_texts(bob_).size() < 2; ++attempt) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(item_texts(bob_).size(), 2u);

  server_.signal(SIGTERM);
  ASSERT_EQ(server_.wait(15s), 0);
  // Written while roost is down: only the saved cursor can bring these back.
  post(author_, "three #" + tag_);
  post(author_, "four #" + tag_);
  RoostServer restarted(server_arguments(), server_.data_dir());
  port_override_ = restarted.port();
  wait_until_ingesting();
  post(author_, "five #" + tag_);

  std::vector<std::string> texts;
  for (int attempt = 0; attempt < 100; ++attempt) {
    texts = item_texts(bob_);
    if (texts.size() >= 5) break;
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(500ms);  // anything doubled would have arrived by now
  texts = item_texts(bob_);
  std::multiset<std::string> seen(texts.begin(), texts.end());
  std::multiset<std::string> expected;
  for (const char* word : {"one", "two", "three", "four", "five"}) {
    expected.insert(std::string(word) + " #" + tag_);
  }
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace roost::testing
