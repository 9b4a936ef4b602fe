// The team inbox and templates through the real binary: who sees items (viewers of the
// profile; another team's member and another organization's get 404), who works them
// (limited assigns, tags, resolves, annotates; a viewer gets 403), replies through the
// publishing permissions (limited: approval; viewer: 403), routing rules in order and for
// admins only, the owner fallback and the member cap, a replay that notifies nobody again,
// and templates (team admins manage, publishers use, placeholders and the 2,000 limit).
#include "inbox_feeder.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

const std::string bikes_did = "did:plc:bikes";

class InboxHttpTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    publisher_ = sign_up("publisher@example.com");
    limited_ = sign_up("limited@example.com");
    viewer_ = sign_up("viewer@example.com");
    elsewhere_ = sign_up("elsewhere@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    for (const auto* user : {&publisher_, &limited_, &viewer_, &elsewhere_}) {
      add_member(acme_, *user, domain::OrgRole::member);
    }
    bikes_ = connect_profile(acme_, bikes_did, "bikes.test");
    news_ = connect_profile(acme_, "did:plc:news", "news.test");
    support_ = team_with(
        "Support", {{&publisher_, "team_admin"}, {&limited_, "member"}, {&viewer_, "member"}}, {});
    grant(support_, bikes_, "viewer");
    grant(team_with("Publishers", {{&publisher_, "member"}}, {}), bikes_, "publisher");
    grant(team_with("Writers", {{&limited_, "member"}}, {}), bikes_, "limited");
    news_team_ = team_with("News", {{&elsewhere_, "team_admin"}}, {});
    grant(news_team_, news_, "publisher");
    set_owner(bikes_, publisher_);
    feeder_ = std::make_unique<InboxFeeder>(open_database());
  }

  std::int64_t team_with(const std::string& name,
                         std::vector<std::pair<const User*, std::string>> members,
                         std::vector<std::int64_t>) {
    auto team = create_team(owner_, acme_, name);
    for (const auto& [user, role] : members) add_team_member(owner_, acme_, team, *user, role);
    return team;
  }

  void grant(std::int64_t team, std::int64_t profile, const std::string& level) {
    grant_profile(owner_, acme_, team, profile, level);
  }

  void set_owner(std::int64_t profile, const User& user) {
    auto database = open_database();
    ASSERT_TRUE(database);
    storage::ProfileRepository profiles(*database);
    storage::ProfileSettingsChange change;
    change.owner = core::UserId{user.id};
    auto changed =
        profiles.update_settings(core::OrgId{acme_}, core::ProfileId{profile}, change, 1,
                                 storage::AuditEvent{{}, std::nullopt, "", "", "{}", "test", 1});
    ASSERT_TRUE(changed.ok()) << changed.error().message;
  }

  std::string team_path(std::int64_t team) const {
    return org_path(acme_) + "/teams/" + std::to_string(team);
  }
  std::string inbox_path(std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/inbox";
  }
  std::string item_path(std::int64_t item, std::int64_t org = 0) const {
    return inbox_path(org) + "/" + std::to_string(item);
  }
  std::string rules_path(std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/inbox-rules";
  }

  std::vector<nlohmann::json> items_seen_by(const User& user, const std::string& query = "") {
    auto listed = as(user, "GET", inbox_path() + query);
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<nlohmann::json> items;
    const auto body = listed.json();  // the loop must not run over a temporary's member
    for (const auto& item : body["items"]) items.push_back(item);
    return items;
  }

  // Feeds one mention of bikes and returns its item's id.
  std::int64_t one_item(const std::string& rkey, const std::string& text = "hello @bikes.test") {
    std::vector<FedPost> posts{mention_of(rkey, bikes_did, text)};
    EXPECT_EQ(feeder_->feed(posts), 1u);
    auto items = items_seen_by(owner_);
    return items.empty() ? 0 : items.front()["id"].get<std::int64_t>();
  }

  std::size_t notification_count(const User& user) {
    auto listed = as(user, "GET", "/api/v1/me/notifications");
    EXPECT_EQ(listed.status, 200) << listed.body;
    return listed.json()["notifications"].size();
  }

  User owner_, publisher_, limited_, viewer_, elsewhere_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, bikes_ = 0, news_ = 0, support_ = 0, news_team_ = 0;
  std::unique_ptr<InboxFeeder> feeder_;
};

TEST_F(InboxHttpTest, ItemsAreSeenByTheProfilesViewersAndNobodyElse) {
  const auto item = one_item("a");
  ASSERT_GT(item, 0);
  auto seen = items_seen_by(viewer_);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["kind"], "mention");
  EXPECT_EQ(seen[0]["status"], "open");
  EXPECT_EQ(seen[0]["assignee_user_id"], publisher_.id);  // the profile owner
  EXPECT_EQ(as(viewer_, "GET", item_path(item)).status, 200);
  // Another team's member, without the profile: an empty list, and no such item.
  EXPECT_TRUE(items_seen_by(elsewhere_).empty());
  EXPECT_EQ(as(elsewhere_, "GET", item_path(item)).status, 404);
  EXPECT_EQ(as(elsewhere_, "GET", item_path(item) + "/notes").status, 404);
  // Another organization's member: nothing, whichever path.
  EXPECT_EQ(as(outsider_, "GET", inbox_path()).status, 404);
  EXPECT_EQ(as(outsider_, "GET", item_path(item)).status, 404);
  EXPECT_EQ(as(outsider_, "GET", item_path(item, globex_)).status, 404);
  EXPECT_EQ(as(outsider_, "PATCH", item_path(item), {{"status", "resolved"}}).status, 404);
  // Filters.
  EXPECT_EQ(items_seen_by(owner_, "?status=resolved").size(), 0u);
  EXPECT_EQ(items_seen_by(owner_, "?status=open&kind=mention").size(), 1u);
  EXPECT_EQ(items_seen_by(owner_, "?assignee=" + std::to_string(publisher_.id)).size(), 1u);
  EXPECT_EQ(as(owner_, "GET", inbox_path() + "?status=closed").status, 422);
}

TEST_F(InboxHttpTest, AViewerCannotWorkAnItemALimitedMemberCan) {
  const auto item = one_item("b");
  auto by_viewer = as(viewer_, "PATCH", item_path(item), {{"assignee_user_id", viewer_.id}});
  EXPECT_EQ(by_viewer.status, 403) << by_viewer.body;
  EXPECT_NE(error_message(by_viewer).find("work_inbox"), std::string::npos);
  EXPECT_EQ(as(viewer_, "POST", item_path(item) + "/notes", {{"body", "hi"}}).status, 403);

  auto worked = as(limited_, "PATCH", item_path(item),
                   {{"status", "pending"},
                    {"tags", {"VIP", "refund"}},
                    {"priority", "high"},
                    {"team_id", support_},
                    {"assignee_user_id", viewer_.id}});
  ASSERT_EQ(worked.status, 200) << worked.body;
  auto body = worked.json();
  EXPECT_EQ(body["status"], "pending");
  EXPECT_EQ(body["tags"], nlohmann::json({"refund", "vip"}));
  EXPECT_EQ(body["priority"], "high");
  EXPECT_EQ(body["team_id"], support_);
  EXPECT_EQ(body["assignee_user_id"], viewer_.id);
  EXPECT_EQ(items_seen_by(owner_, "?tag=vip").size(), 1u);
  // Unassign the person; resolve.
  auto cleared = as(limited_, "PATCH", item_path(item),
                    {{"assignee_user_id", nullptr}, {"status", "resolved"}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["assignee_user_id"].is_null());

  auto noted = as(limited_, "POST", item_path(item) + "/notes", {{"body", "refund sent"}});
  ASSERT_EQ(noted.status, 201) << noted.body;
  auto notes = as(viewer_, "GET", item_path(item) + "/notes");
  ASSERT_EQ(notes.status, 200);
  ASSERT_EQ(notes.json()["notes"].size(), 1u);
  EXPECT_EQ(notes.json()["notes"][0]["body"], "refund sent");

  // Someone who cannot see the profile, a team without it, a bad status.
  EXPECT_EQ(as(owner_, "PATCH", item_path(item), {{"assignee_user_id", elsewhere_.id}}).status,
            422);
  EXPECT_EQ(as(owner_, "PATCH", item_path(item), {{"team_id", news_team_}}).status, 422);
  EXPECT_EQ(as(owner_, "PATCH", item_path(item), {{"status", "closed"}}).status, 422);

  int updates = 0;
  for (const auto& event : audit_of(acme_)) updates += event.event.action == "inbox.item_updated";
  EXPECT_EQ(updates, 2);
}

TEST_F(InboxHttpTest, RepliesGoThroughThePublishingPermissions) {
  const auto item = one_item("c");
  auto by_viewer = as(viewer_, "POST", item_path(item) + "/reply", {{"text", "hello"}});
  EXPECT_EQ(by_viewer.status, 403) << by_viewer.body;
  auto by_limited = as(limited_, "POST", item_path(item) + "/reply", {{"text", "we'll check"}});
  ASSERT_EQ(by_limited.status, 201) << by_limited.body;
  EXPECT_EQ(by_limited.json()["post"]["state"], "pending_approval");
  EXPECT_EQ(by_limited.json()["post"]["kind"], "reply");
  const auto post = by_limited.json()["post"]["id"].get<std::int64_t>();
  EXPECT_EQ(by_limited.json()["item"]["reply_post_id"], post);
  auto shown = as(limited_, "GET", org_path(acme_) + "/posts/" + std::to_string(post));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()["reply"]["parent"]["uri"], "at://did:plc:fan/app.bsky.feed.post/c");
  EXPECT_EQ(shown.json()["reply"]["root"]["uri"], "at://did:plc:fan/app.bsky.feed.post/c");
  EXPECT_EQ(as(elsewhere_, "POST", item_path(item) + "/reply", {{"text", "x"}}).status, 404);
  EXPECT_EQ(as(outsider_, "POST", item_path(item) + "/reply", {{"text", "x"}}).status, 404);
  EXPECT_EQ(as(publisher_, "POST", item_path(item) + "/reply", nlohmann::json::object()).status,
            422);
}

TEST_F(InboxHttpTest, RoutingRulesAreAdminsOnlyAndRouteInOrder) {
  EXPECT_EQ(as(publisher_, "POST", rules_path(), {{"name", "x"}}).status, 403);
  EXPECT_EQ(as(publisher_, "GET", rules_path()).status, 403);
  EXPECT_EQ(as(outsider_, "GET", rules_path()).status, 404);
  auto bad = as(owner_, "POST", rules_path(), {{"name", "bad"}, {"regex", "(a)\\1"}});
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(bad.json()["error"]["details"][0]["field"], "regex");

  auto crisis = as(owner_, "POST", rules_path(),
                   {{"name", "crisis"},
                    {"regex", "\\b(outage|down)\\b"},
                    {"assign_team_id", support_},
                    {"priority", "urgent"},
                    {"tags", {"crisis"}}});
  ASSERT_EQ(crisis.status, 201) << crisis.body;
  auto tagger = as(owner_, "POST", rules_path(),
                   {{"name", "refunds"}, {"keywords", {"refund"}}, {"tags", {"billing"}}});
  ASSERT_EQ(tagger.status, 201) << tagger.body;
  EXPECT_EQ(tagger.json()["position"], 2);
  EXPECT_EQ(as(outsider_, "DELETE",
               rules_path() + "/" + std::to_string(crisis.json()["id"].get<std::int64_t>()))
                .status,
            404);

  std::vector<FedPost> posts{mention_of("r1", bikes_did, "site is DOWN, refund please"),
                             mention_of("r2", bikes_did, "just a refund")};
  EXPECT_EQ(feeder_->feed(posts), 2u);
  auto items = items_seen_by(owner_);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["team_id"], support_);
  EXPECT_TRUE(items[1]["assignee_user_id"].is_null());
  EXPECT_EQ(items[1]["priority"], "urgent");
  EXPECT_EQ(items[1]["tags"], nlohmann::json({"billing", "crisis"}));
  EXPECT_EQ(items[1]["routed_by_rule_id"], crisis.json()["id"]);
  EXPECT_EQ(items[0]["assignee_user_id"], publisher_.id);  // no team rule matched: the owner
  EXPECT_EQ(items[0]["tags"], nlohmann::json({"billing"}));

  // Move the tagger first, edit it, delete the crisis rule.
  const auto tagger_id = tagger.json()["id"].get<std::int64_t>();
  auto moved = as(owner_, "PUT", rules_path() + "/" + std::to_string(tagger_id),
                  {{"name", "refunds"}, {"keywords", {"refund", "money back"}}, {"position", 1}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto listed = as(owner_, "GET", rules_path());
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json()["rules"].size(), 2u);
  EXPECT_EQ(listed.json()["rules"][0]["name"], "refunds");
  EXPECT_EQ(listed.json()["rules"][1]["position"], 2);
  const auto crisis_id = crisis.json()["id"].get<std::int64_t>();
  EXPECT_EQ(as(owner_, "DELETE", rules_path() + "/" + std::to_string(crisis_id)).status, 204);
  EXPECT_EQ(as(owner_, "DELETE", rules_path() + "/" + std::to_string(crisis_id)).status, 404);
  EXPECT_EQ(as(owner_, "GET", rules_path()).json()["rules"].size(), 1u);
}

TEST_F(InboxHttpTest, AReplayedPostNotifiesNobodyAgain) {
  std::vector<FedPost> posts{mention_of("d", bikes_did, "hello")};
  EXPECT_EQ(feeder_->feed(posts), 1u);
  const auto told = notification_count(publisher_);
  EXPECT_EQ(told, 1u);
  EXPECT_EQ(feeder_->feed(posts), 0u);
  EXPECT_EQ(notification_count(publisher_), told);
  EXPECT_EQ(items_seen_by(owner_).size(), 1u);
}

TEST_F(InboxHttpTest, AnOwnerAtTheCapHandsNewItemsToTheirTeam) {
  const auto cap = static_cast<std::size_t>(core::limits::inbox_member_open_items_max);
  std::vector<FedPost> posts;
  for (std::size_t index = 0; index <= cap; ++index) {
    posts.push_back(mention_of("cap" + std::to_string(index), bikes_did, "hello"));
  }
  EXPECT_EQ(feeder_->feed(posts), cap + 1);
  auto mine =
      as(owner_, "GET", inbox_path() + "?limit=200&assignee=" + std::to_string(publisher_.id));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["items"].size(), cap);
  auto unassigned = as(owner_, "GET", inbox_path() + "?assignee=none");
  ASSERT_EQ(unassigned.status, 200);
  ASSERT_EQ(unassigned.json()["items"].size(), 1u);
  EXPECT_FALSE(unassigned.json()["items"][0]["team_id"].is_null());
  const auto last = unassigned.json()["items"][0]["id"].get<std::int64_t>();
  auto over = as(owner_, "PATCH", item_path(last), {{"assignee_user_id", publisher_.id}});
  EXPECT_EQ(over.status, 409) << over.body;
}

TEST_F(InboxHttpTest, TemplatesAreManagedByTeamAdminsAndUsedByPublishers) {
  const std::string templates = team_path(support_) + "/templates";
  EXPECT_EQ(as(limited_, "POST", templates, {{"name", "x"}, {"body", "x"}}).status, 403);
  EXPECT_EQ(as(outsider_, "POST", templates, {{"name", "x"}, {"body", "x"}}).status, 404);
  auto unknown = as(publisher_, "POST", templates, {{"name", "x"}, {"body", "Hi {first_name}"}});
  ASSERT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_NE(unknown.body.find("{first_name}"), std::string::npos);
  auto too_long =
      as(publisher_, "POST", templates, {{"name", "x"}, {"body", std::string(2001, 'a')}});
  EXPECT_EQ(too_long.status, 422) << too_long.body;
  auto at_limit =
      as(publisher_, "POST", templates, {{"name", "full"}, {"body", std::string(2000, 'a')}});
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
  auto made = as(publisher_, "POST", templates,
                 {{"name", "Thanks"}, {"body", "Thanks @{author_handle}, {profile_handle} here"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path =
      org_path(acme_) + "/templates/" + std::to_string(made.json()["id"].get<std::int64_t>());
  // The team's limited member is no publisher: no templates for them; others find nothing.
  EXPECT_EQ(as(limited_, "GET", templates).status, 403);
  EXPECT_EQ(as(limited_, "GET", path).status, 403);
  EXPECT_EQ(as(outsider_, "GET", path).status, 404);
  EXPECT_EQ(
      as(outsider_, "GET",
         org_path(globex_) + "/templates/" + std::to_string(made.json()["id"].get<std::int64_t>()))
          .status,
      404);
  auto listed = as(publisher_, "GET", templates);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json()["templates"].size(), 2u);
  EXPECT_EQ(as(limited_, "PATCH", path, {{"body", "x"}}).status, 403);
  auto edited = as(owner_, "PATCH", path, {{"body", "Thanks @{author_handle}! {unknown}"}});
  EXPECT_EQ(edited.status, 422);
  EXPECT_EQ(as(publisher_, "GET", path).json()["body"],
            "Thanks @{author_handle}, {profile_handle} here");

  const auto item = one_item("t");
  auto replied =
      as(publisher_, "POST", item_path(item) + "/reply", {{"template_id", made.json()["id"]}});
  ASSERT_EQ(replied.status, 201) << replied.body;
  EXPECT_EQ(replied.json()["post"]["text"], "Thanks @did:plc:fan, bikes.test here");
  EXPECT_EQ(replied.json()["post"]["state"], "scheduled");
  EXPECT_EQ(
      as(limited_, "POST", item_path(item) + "/reply", {{"template_id", made.json()["id"]}}).status,
      403);
  EXPECT_EQ(as(limited_, "DELETE", path).status, 403);
  EXPECT_EQ(as(publisher_, "DELETE", path).status, 204);
  EXPECT_EQ(as(publisher_, "GET", path).status, 404);
}

}  // namespace
}  // namespace roost::testing
