// The event stream's client messages and personal events through the real binary: presence on
// an inbox item reaches the members who see the item and nobody else (another team's member,
// another organization's), "left" on a message, on a close and after the TTL; malformed,
// unknown, too frequent and too many messages get error frames and never end the stream;
// new notifications reach their own user's sockets only; the hello tells the newest event.
#include <thread>

#include <boost/asio/buffer.hpp>

#include "../support/event_stream_client.hpp"
#include "inbox_feeder.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

using namespace std::chrono_literals;

const std::string bikes_did = "did:plc:bikes";
constexpr auto presence_ttl = 1500ms;

class LivePresenceTest : public OrgScenarioTest {
 protected:
  explicit LivePresenceTest(std::chrono::milliseconds ttl = presence_ttl)
      : OrgScenarioTest({"--presence-ttl-ms", std::to_string(ttl.count())}) {}

  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    viewer_ = sign_up("viewer@example.com");
    colleague_ = sign_up("colleague@example.com");
    elsewhere_ = sign_up("elsewhere@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    for (const auto* user : {&viewer_, &colleague_, &elsewhere_}) {
      add_member(acme_, *user, domain::OrgRole::member);
    }
    bikes_ = connect_profile(acme_, bikes_did, "bikes.test");
    news_ = connect_profile(acme_, "did:plc:news", "news.test");
    auto support = team_with("Support", {&viewer_, &colleague_});
    grant(support, bikes_, "limited");
    grant(team_with("News", {&elsewhere_}), news_, "publisher");
    feeder_ = std::make_unique<InboxFeeder>(open_database());
    item_ = items(1).front();
  }

  std::int64_t team_with(const std::string& name, std::vector<const User*> members) {
    auto team = create_team(owner_, acme_, name);
    for (const auto* user : members) add_team_member(owner_, acme_, team, *user, "member");
    return team;
  }
  void grant(std::int64_t team, std::int64_t profile, const std::string& level) {
    grant_profile(owner_, acme_, team, profile, level);
  }
  std::string team_path(std::int64_t team) const {
    return org_path(acme_) + "/teams/" + std::to_string(team);
  }
  std::string item_path(std::int64_t item) const {
    return org_path(acme_) + "/inbox/" + std::to_string(item);
  }

  // `count` new items of bikes, newest first.
  std::vector<std::int64_t> items(std::size_t count) {
    std::vector<FedPost> posts;
    for (std::size_t index = 0; index < count; ++index) {
      posts.push_back(mention_of("r" + std::to_string(next_post_++), bikes_did, "hi @bikes.test"));
    }
    EXPECT_EQ(feeder_->feed(posts), count);
    auto listed = as(owner_, "GET", org_path(acme_) + "/inbox?limit=" + std::to_string(count));
    EXPECT_EQ(listed.status, 200) << listed.body;
    const auto body = listed.json();
    std::vector<std::int64_t> ids;
    for (const auto& item : body["items"]) ids.push_back(item["id"].get<std::int64_t>());
    return ids;
  }

  // A client of `org`'s stream, past its hello.
  std::unique_ptr<WebSocketClient> open(const User& user, std::int64_t org = 0,
                                        const std::string& query = "") {
    auto client = std::make_unique<WebSocketClient>(
        server_.port(), "/api/v1/events?org=" + std::to_string(org ? org : acme_) + query,
        std::map<std::string, std::string>{{"Cookie", "roost_session=" + user.token}});
    EXPECT_TRUE(client->open()) << client->status();
    if (client->open()) hello_ = client->read_json();
    return client;
  }
  static void send(WebSocketClient& client, const std::string& text) {
    client.stream().write(boost::asio::buffer(text));
  }
  static void presence(WebSocketClient& client, std::int64_t item, const std::string& state) {
    send(client, nlohmann::json{{"type", "presence"}, {"item_id", item}, {"state", state}}.dump());
  }
  // The next message of `type` within `limit` (others are skipped), else nullopt.
  static std::optional<nlohmann::json> next_of(WebSocketClient& client, const std::string& type,
                                               std::chrono::milliseconds limit = 3s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      auto message = client.read_json_within(left);
      if (!message) return std::nullopt;
      if ((*message)["type"] == type) return message;
    }
  }

  User owner_, viewer_, colleague_, elsewhere_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, bikes_ = 0, news_ = 0, item_ = 0;
  std::unique_ptr<InboxFeeder> feeder_;
  int next_post_ = 0;
  nlohmann::json hello_;
};

// For the tests that take longer than a short TTL: no presence expires meanwhile.
class LivePresenceBoundsTest : public LivePresenceTest {
 protected:
  LivePresenceBoundsTest() : LivePresenceTest(60s) {}
};

TEST_F(LivePresenceTest, PresenceReachesTheMembersWhoSeeTheItemAndNobodyElse) {
  auto viewer = open(viewer_);
  auto colleague = open(colleague_);
  auto elsewhere = open(elsewhere_);
  auto outsider = open(outsider_, globex_);

  presence(*viewer, item_, "viewing");
  auto seen = next_of(*colleague, "presence");
  ASSERT_TRUE(seen);
  EXPECT_GT((*seen)["id"].get<std::int64_t>(), 0);
  EXPECT_EQ((*seen)["data"]["item_id"], item_);
  EXPECT_EQ((*seen)["data"]["user_id"], viewer_.id);
  EXPECT_EQ((*seen)["data"]["display_name"], "viewer@example.com");
  EXPECT_EQ((*seen)["data"]["state"], "viewing");
  ASSERT_TRUE(next_of(*viewer, "presence"));  // the sender's own, as the audience's

  // Another team's member may not see the item: their presence is refused like an item
  // that does not exist, and nobody hears of it.
  presence(*elsewhere, item_, "replying");
  auto refused = next_of(*elsewhere, "error");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"], "not_found");
  EXPECT_EQ((*refused)["item_id"], item_);
  // Another organization's member, on their own organization's stream: the same.
  presence(*outsider, item_, "viewing");
  auto outsider_refused = next_of(*outsider, "error");
  ASSERT_TRUE(outsider_refused);
  EXPECT_EQ((*outsider_refused)["error"]["code"], "not_found");

  presence(*colleague, item_, "replying");
  auto replying = next_of(*viewer, "presence");
  ASSERT_TRUE(replying);
  EXPECT_EQ((*replying)["data"]["user_id"], colleague_.id);
  EXPECT_EQ((*replying)["data"]["state"], "replying");
  // Neither of them hears anyone's presence on an item they cannot see.
  EXPECT_FALSE(next_of(*elsewhere, "presence", 700ms));
  EXPECT_FALSE(next_of(*outsider, "presence", 300ms));
  // The colleague never heard the refused member's presence.
  auto after = next_of(*colleague, "presence", 700ms);
  ASSERT_TRUE(after);  // their own
  EXPECT_EQ((*after)["data"]["user_id"], colleague_.id);
  EXPECT_FALSE(next_of(*colleague, "presence", 300ms));
}

TEST_F(LivePresenceTest, LeavingClosingAndSilenceAreToldAsLeft) {
  auto colleague = open(colleague_);
  {
    auto viewer = open(viewer_);
    presence(*viewer, item_, "viewing");
    ASSERT_TRUE(next_of(*colleague, "presence"));
    presence(*viewer, item_, "left");
    auto left = next_of(*colleague, "presence");
    ASSERT_TRUE(left);
    EXPECT_EQ((*left)["data"]["state"], "left");
    EXPECT_EQ((*left)["data"]["user_id"], viewer_.id);
    // A "left" for an item this client was not on tells nobody anything.
    presence(*viewer, item_, "left");
    EXPECT_FALSE(next_of(*colleague, "presence", 500ms));
  }
  colleague = open(colleague_);
  {
    auto viewer = open(viewer_);
    presence(*viewer, item_, "replying");
    auto replying = next_of(*colleague, "presence");
    ASSERT_TRUE(replying);
    EXPECT_EQ((*replying)["data"]["state"], "replying");
    viewer->stream().close(websocket::close_code::normal);
  }
  auto closed = next_of(*colleague, "presence");
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["data"]["state"], "left");
  EXPECT_EQ((*closed)["data"]["user_id"], viewer_.id);

  // Not refreshed within the TTL: left, while the socket stays open.
  auto viewer = open(viewer_);
  presence(*viewer, item_, "viewing");
  ASSERT_TRUE(next_of(*colleague, "presence"));
  const auto started = std::chrono::steady_clock::now();
  auto expired = next_of(*colleague, "presence", presence_ttl * 3);
  ASSERT_TRUE(expired);
  EXPECT_EQ((*expired)["data"]["state"], "left");
  EXPECT_GE(std::chrono::steady_clock::now() - started, presence_ttl - 200ms);
  // A refresh keeps it: viewing again, and again before the TTL, is no "left".
  presence(*viewer, item_, "viewing");
  ASSERT_TRUE(next_of(*colleague, "presence"));
  std::this_thread::sleep_for(presence_ttl / 2);
  presence(*viewer, item_, "viewing");
  auto refreshed = next_of(*colleague, "presence");
  ASSERT_TRUE(refreshed);
  EXPECT_EQ((*refreshed)["data"]["state"], "viewing");
  auto still = next_of(*colleague, "presence", presence_ttl * 3 / 4);
  EXPECT_FALSE(still) << *still;
}

TEST_F(LivePresenceBoundsTest, BadMessagesGetAnErrorFrameAndTheStreamGoesOn) {
  auto viewer = open(viewer_);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"not json", "invalid_message"},
      {"[1,2]", "invalid_message"},
      {R"({"item_id":1})", "invalid_message"},
      {R"({"type":"typing"})", "unknown_type"},
      {R"({"type":"presence","item_id":"1","state":"viewing"})", "invalid_message"},
      {R"({"type":"presence","item_id":-4,"state":"viewing"})", "invalid_message"},
      {R"({"type":"presence","item_id":1,"state":"dancing"})", "invalid_message"},
      {R"({"type":"presence","item_id":999999,"state":"viewing"})", "not_found"},
  };
  for (const auto& [text, code] : cases) {
    send(*viewer, text);
    auto error = next_of(*viewer, "error");
    ASSERT_TRUE(error) << text;
    EXPECT_EQ((*error)["error"]["code"], code) << text;
    EXPECT_FALSE((*error)["error"]["message"].get<std::string>().empty());
    std::this_thread::sleep_for(250ms);  // within the rate
  }
  presence(*viewer, item_, "viewing");
  ASSERT_TRUE(next_of(*viewer, "presence"));

  // Too many a second: refused with rate_limited, the stream stays.
  for (int index = 0; index < 30; ++index) send(*viewer, R"({"type":"typing"})");
  bool limited = false;
  for (int index = 0; index < 30 && !limited; ++index) {
    auto error = next_of(*viewer, "error", 2s);
    ASSERT_TRUE(error);
    limited = (*error)["error"]["code"] == "rate_limited";
  }
  EXPECT_TRUE(limited);
  std::this_thread::sleep_for(2500ms);  // the bucket fills again
  presence(*viewer, item_, "replying");
  auto after = next_of(*viewer, "presence");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["data"]["state"], "replying");
}

// Replying is announced only by someone who may reply through the policy (compose_post on
// the item's profile, as Inbox::reply requires): a viewer-level member may say "viewing",
// and "replying" gets the error frame, telling nobody anything.
TEST_F(LivePresenceBoundsTest, AViewerLevelMemberMayViewButNotAnnounceReplying) {
  auto watcher_user = sign_up("watcher@example.com");
  add_member(acme_, watcher_user, domain::OrgRole::member);
  grant(team_with("Watchers", {&watcher_user}), bikes_, "viewer");
  auto colleague = open(colleague_);
  auto watcher = open(watcher_user);

  presence(*watcher, item_, "viewing");
  auto seen = next_of(*colleague, "presence");
  ASSERT_TRUE(seen);
  EXPECT_EQ((*seen)["data"]["user_id"], watcher_user.id);
  EXPECT_EQ((*seen)["data"]["state"], "viewing");

  presence(*watcher, item_, "replying");
  auto refused = next_of(*watcher, "error");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"], "permission_denied");
  EXPECT_FALSE((*refused)["error"]["message"].get<std::string>().empty());
  EXPECT_FALSE(next_of(*colleague, "presence", 500ms)) << "a refused replying was told";

  // Someone who may reply (limited) still announces it (a client whose read timed out is
  // opened again, as above).
  colleague = open(colleague_);
  presence(*colleague, item_, "replying");
  auto replying = next_of(*watcher, "presence");
  ASSERT_TRUE(replying);
  EXPECT_EQ((*replying)["data"]["state"], "replying");
}

TEST_F(LivePresenceBoundsTest, ASocketTracksABoundedNumberOfItems) {
  auto viewer = open(viewer_);
  auto ids = items(16);  // with item_, 17 items
  ids.push_back(item_);
  for (std::size_t index = 0; index < ids.size(); ++index) {
    std::this_thread::sleep_for(220ms);  // within the rate
    presence(*viewer, ids[index], "viewing");
    if (index < 16) {
      auto told = next_of(*viewer, "presence");
      ASSERT_TRUE(told) << index;
      EXPECT_EQ((*told)["data"]["item_id"], ids[index]);
    }
  }
  auto refused = next_of(*viewer, "error");
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"], "too_many_items");
  EXPECT_EQ((*refused)["item_id"], item_);
  // Leaving one makes room.
  presence(*viewer, ids[0], "left");
  ASSERT_TRUE(next_of(*viewer, "presence"));
  std::this_thread::sleep_for(220ms);
  presence(*viewer, item_, "viewing");
  auto told = next_of(*viewer, "presence");
  ASSERT_TRUE(told);
  EXPECT_EQ((*told)["data"]["item_id"], item_);
}

TEST_F(LivePresenceTest, ANewNotificationReachesItsUserOnly) {
  auto viewer = open(viewer_);
  auto colleague = open(colleague_);
  // An assignment tells the assignee (a notification row, written by the inbox).
  auto assigned = as(owner_, "PATCH", item_path(item_), {{"assignee_user_id", viewer_.id}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  auto created = next_of(*viewer, "notification.created");
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["data"]["kind"], "inbox.assigned");
  EXPECT_EQ((*created)["data"]["org_id"], acme_);
  auto listed = as(viewer_, "GET", "/api/v1/me/notifications");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ((*created)["data"]["id"], listed.json()["notifications"][0]["id"]);
  // The colleague sees the item change, but not the viewer's notification (a read that
  // waits in vain ends that client).
  EXPECT_FALSE(next_of(*colleague, "notification.created", 1500ms));

  // A notification written by another process on the same database (here the test's, as
  // the admin CLI or another roost would) reaches its user's sockets too, once each.
  auto colleague_tab = open(colleague_);
  auto colleague_other_tab = open(colleague_);
  auto database = open_database();
  ASSERT_TRUE(database);
  storage::NotificationRepository notifications(*database);
  auto added = notifications.add({core::UserId{colleague_.id}, core::OrgId{acme_},
                                  "test.other_process", R"({"text":"from elsewhere"})", 1'000});
  ASSERT_TRUE(added.ok());
  for (auto* socket : {colleague_tab.get(), colleague_other_tab.get()}) {
    auto told = next_of(*socket, "notification.created");
    ASSERT_TRUE(told);
    EXPECT_EQ((*told)["data"]["id"], *added);
    EXPECT_EQ((*told)["data"]["payload"]["text"], "from elsewhere");
    EXPECT_FALSE(next_of(*socket, "notification.created", 1000ms));  // not twice
  }
  EXPECT_FALSE(next_of(*viewer, "notification.created", 300ms));
}

TEST_F(LivePresenceTest, TheHelloTellsTheNewestEventAndOnlyAResumeReplays) {
  // The notifications of the set-up are published first (the pump's next round).
  std::this_thread::sleep_for(1200ms);
  auto first = open(viewer_);
  EXPECT_EQ(hello_["type"], "hello");
  const auto before = hello_["last_event_id"].get<std::int64_t>();
  auto tagged = as(viewer_, "PATCH", item_path(item_), {{"tags", {"bike"}}});
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  auto event = next_of(*first, "inbox.item");
  ASSERT_TRUE(event);
  const auto newest = (*event)["id"].get<std::int64_t>();
  EXPECT_GT(newest, before);

  // A new connection resumes from the newest event, and gets no past events.
  auto second = open(viewer_);
  EXPECT_EQ(hello_["last_event_id"], newest);
  EXPECT_FALSE(second->read_json_within(500ms));
  // A resume gets what came after its point, and the newest id.
  auto resumed = open(viewer_, 0, "&last_event_id=" + std::to_string(newest - 1));
  EXPECT_EQ(hello_["last_event_id"], newest);
  auto replayed = resumed->read_json_within(2s);
  ASSERT_TRUE(replayed);
  EXPECT_EQ((*replayed)["id"], newest);
  EXPECT_EQ((*replayed)["type"], "inbox.item");
  // Presence is not replayed: it was true then, not now.
  presence(*first, item_, "viewing");
  auto live = next_of(*first, "presence");
  ASSERT_TRUE(live);
  auto late = open(viewer_, 0, "&last_event_id=" + std::to_string(newest));
  EXPECT_EQ(hello_["last_event_id"], (*live)["id"]);
  EXPECT_FALSE(late->read_json_within(500ms));
}

}  // namespace
}  // namespace roost::testing
