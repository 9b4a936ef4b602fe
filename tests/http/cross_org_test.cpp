// Issue 3 §5: every routed endpoint of an organization, called by a member of another
// organization, answers 404 and gives nothing of the organization away — and changes
// nothing. The list of routes comes from the same graph `serve` builds, so a new route is
// swept as soon as it exists; a route whose request this test cannot yet make valid fails
// loudly rather than passing on a 422.
#include <map>
#include <regex>

#include "../support/api_routes.hpp"
#include "inbox_feeder.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

// A request body that is valid for the route, so that the answer comes from the
// authorization and not from the body's validation. Routes not listed get `{}`. Path
// parameter names in a body ({team_id}) are replaced like the path's.
const std::map<std::string, std::string>& sample_bodies() {
  static const std::map<std::string, std::string> bodies = {
      {"PATCH /api/v1/orgs/{org_id}", R"({"name":"Renamed by an outsider"})"},
      {"DELETE /api/v1/orgs/{org_id}", R"({"confirm_name":"Victim Corp"})"},
      {"POST /api/v1/orgs/{org_id}/transfer-ownership", R"({"user_id":1})"},
      {"PATCH /api/v1/orgs/{org_id}/members/{user_id}", R"({"role":"admin"})"},
      {"POST /api/v1/orgs/{org_id}/teams", R"({"name":"Outsider team"})"},
      {"PATCH /api/v1/orgs/{org_id}/teams/{team_id}", R"({"name":"Outsider team"})"},
      {"PUT /api/v1/orgs/{org_id}/teams/{team_id}/members/{user_id}", R"({"team_role":"member"})"},
      {"PUT /api/v1/orgs/{org_id}/teams/{team_id}/profiles/{profile_id}", R"({"level":"manager"})"},
      {"POST /api/v1/orgs/{org_id}/invitations",
       R"({"email":"newcomer@example.com","role":"member"})"},
      {"POST /api/v1/orgs/{org_id}/profile-grants",
       R"({"grants":[{"team_id":{team_id},"profile_id":{profile_id},"level":"manager"}]})"},
      {"POST /api/v1/orgs/{org_id}/posts",
       R"({"text":"hi","targets":[{"profile_id":{profile_id}}],"when":{"mode":"now"}})"},
      {"PATCH /api/v1/orgs/{org_id}/posts/{post_id}",
       R"({"text":"hi","targets":[{"profile_id":{profile_id}}]})"},
      {"POST /api/v1/orgs/{org_id}/posts/{post_id}/schedule", R"({"when":{"mode":"now"}})"},
      {"POST /api/v1/orgs/{org_id}/profiles",
       R"({"identifier":"outsider.test","app_password":"aaaa-bbbb-cccc-dddd"})"},
      {"POST /api/v1/orgs/{org_id}/profiles/{profile_id}/reconnect",
       R"({"app_password":"aaaa-bbbb-cccc-dddd"})"},
      {"PATCH /api/v1/orgs/{org_id}/profiles/{profile_id}", R"({"requires_confirmation":true})"},
      {"PATCH /api/v1/orgs/{org_id}/inbox/{item_id}", R"({"status":"resolved"})"},
      {"POST /api/v1/orgs/{org_id}/inbox/{item_id}/notes", R"({"body":"outsider note"})"},
      {"POST /api/v1/orgs/{org_id}/inbox/{item_id}/reply", R"({"text":"outsider reply"})"},
      {"POST /api/v1/orgs/{org_id}/inbox-rules", R"({"name":"outsider rule"})"},
      {"PUT /api/v1/orgs/{org_id}/inbox-rules/{rule_id}", R"({"name":"outsider rule"})"},
      {"POST /api/v1/orgs/{org_id}/teams/{team_id}/templates",
       R"({"name":"outsider","body":"hi"})"},
      {"PATCH /api/v1/orgs/{org_id}/templates/{template_id}", R"({"body":"hi"})"},
      {"POST /api/v1/orgs/{org_id}/teams/{team_id}/streams",
       R"({"name":"outsider stream","query":"outsider"})"},
      {"PATCH /api/v1/orgs/{org_id}/streams/{stream_id}", R"({"name":"outsider stream"})"},
      {"PUT /api/v1/orgs/{org_id}/columns", R"({"columns":[{"stream_id":{stream_id},"width":1}]})"},
  };
  return bodies;
}

class CrossOrgSweepTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    victim_owner_ = sign_up("victim.owner@example.com");
    victim_member_ = sign_up("victim.member@example.com");
    outsider_ = sign_up("outsider@example.com");
    victim_org_ = create_org(victim_owner_, "Victim Corp");
    add_member(victim_org_, victim_member_, domain::OrgRole::member);
    victim_team_ = create_team(victim_owner_, victim_org_, "Victim Team");
    victim_profile_ = connect_profile(victim_org_, "did:plc:victim", "victim-handle.test");
    auto granted = as(victim_owner_, "PUT",
                      org_path(victim_org_) + "/teams/" + std::to_string(victim_team_) +
                          "/profiles/" + std::to_string(victim_profile_),
                      {{"level", "publisher"}});
    ASSERT_EQ(granted.status, 200) << granted.body;
    auto joined = as(victim_owner_, "PUT",
                     org_path(victim_org_) + "/teams/" + std::to_string(victim_team_) +
                         "/members/" + std::to_string(victim_member_.id),
                     {{"team_role", "member"}});
    ASSERT_EQ(joined.status, 200) << joined.body;
    // The outsider owns an organization of their own, with its own team and profile: the
    // most they can be anywhere.
    own_org_ = create_org(outsider_, "Outsider Org");
    own_team_ = create_team(outsider_, own_org_, "Outsider Team");
    own_profile_ = connect_profile(own_org_, "did:plc:outsider", "outsider.test");
    // A pending invitation of the victim's, so that {invitation_id} names a real one.
    auto invited = as(victim_owner_, "POST", org_path(victim_org_) + "/invitations",
                      {{"email", "victim.invitee@example.com"}, {"role", "member"}});
    ASSERT_EQ(invited.status, 201) << invited.body;
    victim_invitation_ = invited.json()["id"].get<std::int64_t>();
    // A draft of the victim's, so that {post_id} names a real post: without it every post
    // route would answer 404 "no such post" whatever the authorization did.
    auto drafted = as(victim_owner_, "POST", org_path(victim_org_) + "/posts",
                      {{"text", victim_post_text},
                       {"targets", {{{"profile_id", victim_profile_}}}},
                       {"when", {{"mode", "draft"}}}});
    ASSERT_EQ(drafted.status, 201) << drafted.body;
    victim_post_ = drafted.json()["id"].get<std::int64_t>();
    // An inbox item, a routing rule and a template of the victim's, so that {item_id},
    // {rule_id} and {template_id} name real ones.
    std::vector<FedPost> mentions{mention_of("victim", "did:plc:victim", "hello victim")};
    ASSERT_EQ(InboxFeeder(open_database()).feed(mentions), 1u);
    auto items = as(victim_owner_, "GET", org_path(victim_org_) + "/inbox");
    ASSERT_EQ(items.status, 200) << items.body;
    victim_item_ = items.json()["items"][0]["id"].get<std::int64_t>();
    auto rule = as(victim_owner_, "POST", org_path(victim_org_) + "/inbox-rules",
                   {{"name", "victim rule"}, {"keywords", {"victim"}}});
    ASSERT_EQ(rule.status, 201) << rule.body;
    victim_rule_ = rule.json()["id"].get<std::int64_t>();
    auto made = as(victim_owner_, "POST",
                   org_path(victim_org_) + "/teams/" + std::to_string(victim_team_) + "/templates",
                   {{"name", "victim template"}, {"body", "Thanks {author_handle}"}});
    ASSERT_EQ(made.status, 201) << made.body;
    victim_template_ = made.json()["id"].get<std::int64_t>();
    auto stream = as(victim_owner_, "POST",
                     org_path(victim_org_) + "/teams/" + std::to_string(victim_team_) + "/streams",
                     {{"name", "Victim Stream"}, {"query", "victim"}});
    ASSERT_EQ(stream.status, 201) << stream.body;
    victim_stream_ = stream.json()["id"].get<std::int64_t>();
    // The victim themself reaches it through the same path the sweep uses.
    auto own_view =
        as(victim_owner_, "GET", target("/api/v1/orgs/{org_id}/posts/{post_id}", victim_org_));
    ASSERT_EQ(own_view.status, 200) << own_view.body;
  }

  static constexpr const char* victim_post_text = "Victim's secret draft";

  // The victim's ids in every path parameter (of a path or a sample body); `org` in {org_id}.
  std::string target(const std::string& pattern, std::int64_t org) const {
    std::string path = pattern;
    const std::map<std::string, std::string> values = {
        {"{org_id}", std::to_string(org)},
        {"{team_id}", std::to_string(victim_team_)},
        {"{user_id}", std::to_string(victim_member_.id)},
        {"{profile_id}", std::to_string(victim_profile_)},
        {"{invitation_id}", std::to_string(victim_invitation_)},
        {"{post_id}", std::to_string(victim_post_)},
        {"{item_id}", std::to_string(victim_item_)},
        {"{rule_id}", std::to_string(victim_rule_)},
        {"{template_id}", std::to_string(victim_template_)},
        {"{stream_id}", std::to_string(victim_stream_)}};
    for (const auto& [name, value] : values) {
      for (auto at = path.find(name); at != std::string::npos; at = path.find(name)) {
        path.replace(at, name.size(), value);
      }
    }
    // Ids this test does not create (a token): the first of their kind.
    return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "1");
  }

  HttpResponse call(const ApiRoute& route, const std::string& path) {
    std::map<std::string, std::string> headers = {{"Cookie", "roost_session=" + outsider_.token},
                                                  {"X-CSRF-Token", outsider_.csrf}};
    std::string body;
    if (route.body == api::http::BodyKind::json) {
      auto sample = sample_bodies().find(route.method + " " + route.pattern);
      body = sample == sample_bodies().end() ? "{}" : target(sample->second, victim_org_);
      headers["Content-Type"] = "application/json";
    } else if (route.body == api::http::BodyKind::raw) {
      body = "x";
      headers["Content-Type"] = "application/octet-stream";
    }
    return http_request(server_.port(), route.method, path, body, headers);
  }

  void expect_nothing_leaked(const HttpResponse& response, const std::string& what) {
    for (const std::string secret :
         {"Victim Corp", "Victim Team", "Victim Stream", "victim-handle.test",
          "victim.owner@example.com", "victim.member@example.com", "did:plc:victim",
          "victim.invitee@example.com", victim_post_text}) {
      EXPECT_EQ(response.body.find(secret), std::string::npos) << what << " leaks " << secret;
    }
  }

  User victim_owner_, victim_member_, outsider_;
  std::int64_t victim_org_ = 0, victim_team_ = 0, victim_profile_ = 0;
  std::int64_t own_org_ = 0, own_team_ = 0, own_profile_ = 0;
  std::int64_t victim_invitation_ = 0;
  std::int64_t victim_post_ = 0;
  std::int64_t victim_item_ = 0, victim_rule_ = 0, victim_template_ = 0, victim_stream_ = 0;
};

TEST_F(CrossOrgSweepTest, EveryOrganizationRouteIsNotFoundForAnotherOrganizationsMember) {
  const auto audit_before = audit_of(victim_org_).size();
  int swept = 0;
  int post_routes = 0;
  for (const auto& route : api_routes()) {
    if (route.pattern.find("{org_id}") == std::string::npos) continue;
    // The victim's organization; then the outsider's own organization with the victim's
    // team, member and profile ids (an id of one tenant through another's path).
    for (auto org : {victim_org_, own_org_}) {
      const bool own = org == own_org_;
      const bool has_victim_ids =
          route.pattern.find("_id}", route.pattern.find("{org_id}") + 8) != std::string::npos;
      if (own && !has_victim_ids) continue;  // their own organization: theirs to see
      const std::string path = target(route.pattern, org);
      const std::string what = route.method + " " + path + (own ? " (own org)" : "");
      auto response = call(route, path);
      ++swept;
      if (route.pattern.find("{post_id}") != std::string::npos && !own) ++post_routes;
      EXPECT_EQ(response.status, 404)
          << what << " answered " << response.status << ": " << response.body
          << (response.status == 422 || response.status == 400
                  ? "\n(add a valid body for this route to sample_bodies() so that the request "
                    "reaches the authorization)"
                  : "");
      expect_nothing_leaked(response, what);
    }
  }
  EXPECT_GT(swept, 20);
  EXPECT_GE(post_routes, 7) << "the post routes were not swept with the victim's post";
  // Nothing changed: no event was recorded, and the victim still sees everything as it was.
  EXPECT_EQ(audit_of(victim_org_).size(), audit_before);
  auto org = as(victim_owner_, "GET", org_path(victim_org_));
  ASSERT_EQ(org.status, 200);
  EXPECT_EQ(org.json()["name"], "Victim Corp");
  auto profile = as(victim_member_, "GET",
                    org_path(victim_org_) + "/profiles/" + std::to_string(victim_profile_));
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(profile.json()["my_level"], "publisher");
  auto post =
      as(victim_owner_, "GET", org_path(victim_org_) + "/posts/" + std::to_string(victim_post_));
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(post.json()["state"], "draft");
  EXPECT_EQ(post.json()["text"], victim_post_text);
}

}  // namespace
}  // namespace roost::testing
