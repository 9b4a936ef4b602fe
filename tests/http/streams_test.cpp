// Shared streams over HTTP against a real roost: who may create, edit and read a team's
// streams (every denial), invalid searches, items pages and columns.
#include "org_scenario_test.hpp"
#include "storage/stream_repository.hpp"

namespace roost::testing {
namespace {

using domain::OrgRole;

class StreamsHttpTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    lead_ = sign_up("lead@example.com");
    member_ = sign_up("member@example.com");
    outsider_ = sign_up("outsider@example.com");
    stranger_ = sign_up("stranger@example.com");
    org_ = create_org(owner_, "Acme");
    other_org_ = create_org(stranger_, "Globex");
    for (const User* user : {&lead_, &member_, &outsider_}) {
      add_member(org_, *user, OrgRole::member);
    }
    web_ = create_team(owner_, org_, "Web");
    apps_ = create_team(owner_, org_, "Apps");
    set_team_role(web_, lead_, "team_admin");
    set_team_role(web_, member_, "member");
    set_team_role(apps_, outsider_, "member");
  }

  void set_team_role(std::int64_t team, const User& user, const std::string& role) {
    auto set = as(owner_, "PUT", team_path(team) + "/members/" + std::to_string(user.id),
                  {{"team_role", role}});
    ASSERT_EQ(set.status, 200) << set.body;
  }

  std::string team_path(std::int64_t team) const {
    return org_path(org_) + "/teams/" + std::to_string(team);
  }
  std::string stream_path(std::int64_t stream, std::int64_t org = 0) const {
    return org_path(org ? org : org_) + "/streams/" + std::to_string(stream);
  }

  std::int64_t create_stream(const User& by, const std::string& name, const std::string& query) {
    auto created = as(by, "POST", team_path(web_) + "/streams", {{"name", name}, {"query", query}});
    EXPECT_EQ(created.status, 201) << created.body;
    return created.status == 201 ? created.json()["id"].get<std::int64_t>() : 0;
  }

  User owner_, lead_, member_, outsider_, stranger_;
  std::int64_t org_ = 0, other_org_ = 0, web_ = 0, apps_ = 0;
};

TEST_F(StreamsHttpTest, ATeamAdminCreatesAStreamTheTeamReads) {
  auto created = as(lead_, "POST", team_path(web_) + "/streams",
                    {{"name", "Brand"},
                     {"query", "-spam roost OR \"shared inbox\" #roost @alice.test lang:fr"},
                     {"retention_items", 500}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto stream = created.json();
  EXPECT_EQ(stream["query"], "roost OR \"shared inbox\" OR #roost OR @alice.test -spam lang:fr");
  EXPECT_EQ(stream["search"]["hashtags"], nlohmann::json::array({"roost"}));
  EXPECT_EQ(stream["retention_items"], 500);
  EXPECT_EQ(stream["active"], true);
  EXPECT_EQ(created.header("location"), stream_path(stream["id"]));

  auto listed = as(member_, "GET", team_path(web_) + "/streams");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["streams"].size(), 1u);
  EXPECT_EQ(as(member_, "GET", stream_path(stream["id"])).status, 200);

  auto structured = as(owner_, "POST", team_path(web_) + "/streams",
                       {{"name", "Fields"},
                        {"search",
                         {{"keywords", nlohmann::json::array({"nest"})},
                          {"languages", nlohmann::json::array({"DE"})}}}});
  ASSERT_EQ(structured.status, 201) << structured.body;
  EXPECT_EQ(structured.json()["query"], "nest lang:de");

  auto paused = as(lead_, "PATCH", stream_path(stream["id"]), {{"active", false}});
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json()["active"], false);
  EXPECT_EQ(as(lead_, "DELETE", stream_path(stream["id"])).status, 204);
  EXPECT_EQ(as(lead_, "GET", stream_path(stream["id"])).status, 404);
}

TEST_F(StreamsHttpTest, EveryDenial) {
  const auto stream = create_stream(lead_, "Brand", "roost");
  // A member of the team who is not its team_admin: 403 naming the permission.
  auto by_member =
      as(member_, "POST", team_path(web_) + "/streams", {{"name", "Mine"}, {"query", "roost"}});
  EXPECT_EQ(by_member.status, 403) << by_member.body;
  EXPECT_NE(error_message(by_member).find("manage_team_streams"), std::string::npos);
  EXPECT_EQ(as(member_, "PATCH", stream_path(stream), {{"active", false}}).status, 403);
  EXPECT_EQ(as(member_, "DELETE", stream_path(stream)).status, 403);
  // A member of another team: the team's streams do not exist.
  EXPECT_EQ(as(outsider_, "GET", team_path(web_) + "/streams").status, 404);
  EXPECT_EQ(
      as(outsider_, "POST", team_path(web_) + "/streams", {{"name", "Mine"}, {"query", "roost"}})
          .status,
      404);
  EXPECT_EQ(as(outsider_, "GET", stream_path(stream)).status, 404);
  EXPECT_EQ(as(outsider_, "GET", stream_path(stream) + "/items").status, 404);
  EXPECT_EQ(as(outsider_, "PATCH", stream_path(stream), {{"active", false}}).status, 404);
  EXPECT_EQ(as(outsider_, "DELETE", stream_path(stream)).status, 404);
  // Another organization's member, through either organization's path.
  EXPECT_EQ(as(stranger_, "GET", stream_path(stream)).status, 404);
  EXPECT_EQ(as(stranger_, "GET", stream_path(stream) + "/items").status, 404);
  EXPECT_EQ(as(stranger_, "GET", stream_path(stream, other_org_)).status, 404);
  EXPECT_EQ(as(stranger_, "GET", stream_path(stream, other_org_) + "/items").status, 404);
  EXPECT_EQ(as(stranger_, "GET", team_path(web_) + "/streams").status, 404);
  // Without a session.
  EXPECT_EQ(request("GET", stream_path(stream)).status, 401);
  // And nothing changed.
  auto still = as(lead_, "GET", stream_path(stream));
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(still.json()["active"], true);
}

TEST_F(StreamsHttpTest, AnInvalidSearchIs422NamingTheProblem) {
  auto unclosed = as(lead_, "POST", team_path(web_) + "/streams",
                     {{"name", "Bad"}, {"query", "roost \"shared inbox"}});
  EXPECT_EQ(unclosed.status, 422) << unclosed.body;
  EXPECT_NE(error_message(unclosed).find("quote is not closed"), std::string::npos);
  EXPECT_EQ(unclosed.json()["error"]["details"][0]["column"], 7);
  auto no_term = as(lead_, "POST", team_path(web_) + "/streams",
                    {{"name", "Bad"}, {"query", "-spam lang:fr"}});
  EXPECT_EQ(no_term.status, 422);
  EXPECT_NE(error_message(no_term).find("needs a keyword"), std::string::npos);
  auto bad_field = as(lead_, "POST", team_path(web_) + "/streams",
                      {{"name", "Bad"}, {"search", {{"hashtags", {"ok", "two words"}}}}});
  EXPECT_EQ(bad_field.status, 422);
  EXPECT_EQ(bad_field.json()["error"]["details"][0]["field"], "hashtags[1]");
  auto not_strings =
      as(lead_, "POST", team_path(web_) + "/streams",
         {{"name", "Bad"}, {"search", {{"keywords", nlohmann::json::array({1, 2})}}}});
  EXPECT_EQ(not_strings.status, 422);
  auto missing = as(lead_, "POST", team_path(web_) + "/streams", {{"name", "Bad"}});
  EXPECT_EQ(missing.status, 422);
  const auto stream = create_stream(lead_, "Brand", "roost");
  auto bad_edit = as(lead_, "PATCH", stream_path(stream), {{"query", "lang:xx-"}});
  EXPECT_EQ(bad_edit.status, 422);
  EXPECT_EQ(as(lead_, "PATCH", stream_path(stream), {{"retention_items", 0}}).status, 422);
}

TEST_F(StreamsHttpTest, ItemsArePagedNewestFirst) {
  const auto stream = create_stream(lead_, "Brand", "roost");
  {
    auto database = open_database();
    ASSERT_TRUE(database);
    storage::StreamRepository streams(*database);
    std::vector<storage::StreamItemDraft> items;
    for (int index = 1; index <= 3; ++index) {
      items.push_back({core::StreamId{stream},
                       "at://did:plc:bob/app.bsky.feed.post/" + std::to_string(index), "bafy",
                       "did:plc:bob", "roost " + std::to_string(index), "2026-12-04T09:30:00Z",
                       1'700'000'000'000});
    }
    ASSERT_TRUE(streams.insert_items(items).ok());
  }
  auto first = as(member_, "GET", stream_path(stream) + "/items?limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  auto page = first.json();
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["text"], "roost 3");
  ASSERT_TRUE(page["next_cursor"].is_string());
  auto second =
      as(member_, "GET",
         stream_path(stream) + "/items?limit=2&cursor=" + page["next_cursor"].get<std::string>());
  ASSERT_EQ(second.status, 200);
  ASSERT_EQ(second.json()["items"].size(), 1u);
  EXPECT_EQ(second.json()["items"][0]["text"], "roost 1");
  EXPECT_TRUE(second.json()["next_cursor"].is_null());
  EXPECT_EQ(as(member_, "GET", stream_path(stream) + "/items?limit=0").status, 422);
  EXPECT_EQ(as(member_, "GET", stream_path(stream) + "/items?cursor=abc").status, 422);
}

TEST_F(StreamsHttpTest, ColumnsArePerUserAndOnlyOfVisibleStreams) {
  const auto brand = create_stream(lead_, "Brand", "roost");
  const auto crisis = create_stream(lead_, "Crisis", "outage");
  auto set = as(member_, "PUT", org_path(org_) + "/columns",
                {{"columns", nlohmann::json::array({{{"stream_id", crisis}, {"width", 3}},
                                                    {{"stream_id", brand}, {"width", 1}}})}});
  ASSERT_EQ(set.status, 200) << set.body;
  auto columns = as(member_, "GET", org_path(org_) + "/columns").json()["columns"];
  ASSERT_EQ(columns.size(), 2u);
  EXPECT_EQ(columns[0]["stream"]["name"], "Crisis");
  EXPECT_EQ(columns[0]["width"], 3);
  EXPECT_TRUE(as(lead_, "GET", org_path(org_) + "/columns").json()["columns"].empty());
  auto hidden = as(outsider_, "PUT", org_path(org_) + "/columns",
                   {{"columns", nlohmann::json::array({{{"stream_id", brand}, {"width", 1}}})}});
  EXPECT_EQ(hidden.status, 422);
  EXPECT_EQ(hidden.json()["error"]["details"][0]["field"], "columns[0].stream_id");
  auto too_wide = as(member_, "PUT", org_path(org_) + "/columns",
                     {{"columns", nlohmann::json::array({{{"stream_id", brand}, {"width", 4}}})}});
  EXPECT_EQ(too_wide.status, 422);
  EXPECT_EQ(as(stranger_, "GET", org_path(org_) + "/columns").status, 404);
}

}  // namespace
}  // namespace roost::testing
