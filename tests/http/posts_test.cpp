// Composing, approving, scheduling and cancelling posts through the real binary: who may
// post where (publisher directly, limited through approval, viewer 403, another
// organization 404), Bluesky's rules per target, the confirmation step, the duplicate
// warning, Idempotency-Key replays, wall times across DST in Paris and New York, and
// approvals that come too late.
#include <chrono>
#include <thread>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/tokens.hpp"
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

// A 1×1 PNG.
constexpr std::string_view tiny_png_base64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "==";

class PostsTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    publisher_ = sign_up("publisher@example.com");
    limited_ = sign_up("limited@example.com");
    viewer_ = sign_up("viewer@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    for (const auto* user : {&publisher_, &limited_, &viewer_}) {
      add_member(acme_, *user, domain::OrgRole::member);
    }
    bikes_ = connect_profile(acme_, "did:plc:bikes", "bikes.test");
    news_ = connect_profile(acme_, "did:plc:news", "news.test");
    globex_profile_ = connect_profile(globex_, "did:plc:globex", "globex.test");
    grant(publisher_, "Publishers", {{bikes_, "publisher"}, {news_, "publisher"}});
    grant(limited_, "Writers", {{bikes_, "limited"}, {news_, "limited"}});
    grant(viewer_, "Readers", {{bikes_, "viewer"}});
  }

  void grant(const User& user, const std::string& team_name,
             const std::vector<std::pair<std::int64_t, std::string>>& levels) {
    auto team = create_team(owner_, acme_, team_name);
    auto put = as(
        owner_, "PUT",
        org_path(acme_) + "/teams/" + std::to_string(team) + "/members/" + std::to_string(user.id),
        {{"team_role", "member"}});
    ASSERT_EQ(put.status, 200) << put.body;
    for (const auto& [profile, level] : levels) {
      auto granted = as(owner_, "PUT",
                        org_path(acme_) + "/teams/" + std::to_string(team) + "/profiles/" +
                            std::to_string(profile),
                        {{"level", level}});
      ASSERT_EQ(granted.status, 200) << granted.body;
    }
  }

  void require_confirmation(std::int64_t profile) {
    auto database = open_database();
    ASSERT_TRUE(database);
    storage::ProfileRepository profiles(*database);
    storage::ProfileSettingsChange change;
    change.requires_confirmation = true;
    auto changed =
        profiles.update_settings(core::OrgId{acme_}, core::ProfileId{profile}, change, 1,
                                 storage::AuditEvent{{}, std::nullopt, "", "", "{}", "test", 1});
    ASSERT_TRUE(changed.ok()) << changed.error().message;
  }

  std::string posts_path() const { return org_path(acme_) + "/posts"; }
  std::string post_path(std::int64_t post) const {
    return posts_path() + "/" + std::to_string(post);
  }
  std::string target_path(std::int64_t post, std::int64_t profile, const std::string& verb) {
    return post_path(post) + "/targets/" + std::to_string(profile) + "/" + verb;
  }

  static nlohmann::json targets(std::initializer_list<std::int64_t> profiles) {
    nlohmann::json list = nlohmann::json::array();
    for (auto profile : profiles) list.push_back({{"profile_id", profile}});
    return list;
  }

  static nlohmann::json at(const std::string& local_time, const std::string& zone) {
    return {{"mode", "schedule"}, {"local_time", local_time}, {"time_zone", zone}};
  }

  static nlohmann::json now() { return {{"mode", "now"}}; }

  nlohmann::json body(const std::string& text, nlohmann::json to, nlohmann::json when) {
    return {{"text", text}, {"targets", std::move(to)}, {"when", std::move(when)}};
  }

  // The fields named in a 422's (or 409's) details.
  static std::vector<std::string> fields_of(const HttpResponse& response) {
    std::vector<std::string> fields;
    const auto parsed = response.json();
    for (const auto& detail : parsed["error"]["details"]) {
      fields.push_back(detail.value("field", ""));
    }
    return fields;
  }

  static bool has_field(const HttpResponse& response, const std::string& field) {
    auto fields = fields_of(response);
    return std::find(fields.begin(), fields.end(), field) != fields.end();
  }

  std::vector<nlohmann::json> notifications_of(const User& user) {
    auto listed = as(user, "GET", "/api/v1/me/notifications");
    EXPECT_EQ(listed.status, 200) << listed.body;
    std::vector<nlohmann::json> found;
    const auto parsed = listed.json();
    for (const auto& item : parsed["notifications"]) found.push_back(item);
    return found;
  }

  // "YYYY-MM-DDTHH:MM:SS" in UTC, `ahead` from now.
  static std::string utc_local_time(std::chrono::milliseconds ahead) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch() + ahead)
                  .count();
    return core::format_utc_ms(ms).substr(0, 19);
  }

  User owner_, publisher_, limited_, viewer_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, bikes_ = 0, news_ = 0, globex_profile_ = 0;
};

TEST_F(PostsTest, APublisherSchedulesDirectlyAndTheWallTimeIsShown) {
  auto created = as(publisher_, "POST", posts_path(),
                    body("Spring rides start Monday", targets({bikes_, news_}),
                         at("2027-06-01T09:00", "Europe/Paris")));
  ASSERT_EQ(created.status, 201) << created.body;
  auto post = created.json();
  EXPECT_EQ(post["state"], "scheduled");
  EXPECT_EQ(post["kind"], "post");
  EXPECT_EQ(post["author_user_id"], publisher_.id);
  EXPECT_EQ(post["schedule"]["time_zone"], "Europe/Paris");
  EXPECT_EQ(post["schedule"]["local_time"], "2027-06-01T09:00");
  EXPECT_EQ(post["schedule"]["wall_time_rule"], "exact");
  EXPECT_EQ(post["schedule"]["wall_time"], "2027-06-01T09:00:00+02:00");
  EXPECT_EQ(post["schedule"]["at"], "2027-06-01T07:00:00.000Z");
  ASSERT_EQ(post["targets"].size(), 2u);
  EXPECT_EQ(post["targets"][0]["handle"], "bikes.test");
  EXPECT_EQ(post["targets"][0]["state"], "pending");
  EXPECT_EQ(post["replayed"], false);

  auto fetched = as(viewer_, "GET", post_path(post["id"]));
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.json()["state"], "scheduled");

  // Publish now: scheduled with the current instant.
  auto now_post =
      as(publisher_, "POST", posts_path(), body("Open today", targets({bikes_}), now()));
  ASSERT_EQ(now_post.status, 201) << now_post.body;
  EXPECT_EQ(now_post.json()["state"], "scheduled");
  EXPECT_FALSE(now_post.json()["schedule"]["at"].is_null());
}

TEST_F(PostsTest, ALimitedMembersPostWaitsForAPublisherWhoIsToldToTheAuthor) {
  auto created =
      as(limited_, "POST", posts_path(),
         body("Please approve me", targets({bikes_}), at("2027-06-01T09:00", "America/New_York")));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto post = created.json();
  EXPECT_EQ(post["state"], "pending_approval");
  const std::int64_t id = post["id"];

  // The publishers of bikes (through their team) are asked; the viewer is not.
  auto asked = notifications_of(publisher_);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0]["kind"], "post.approval_requested");
  EXPECT_EQ(asked[0]["payload"]["post_id"], id);
  EXPECT_EQ(asked[0]["payload"]["profile_id"], bikes_);
  EXPECT_TRUE(notifications_of(viewer_).empty());

  // A limited member cannot approve; a viewer cannot either.
  EXPECT_EQ(
      as(limited_, "POST", target_path(id, bikes_, "approve"), nlohmann::json::object()).status,
      403);
  EXPECT_EQ(
      as(viewer_, "POST", target_path(id, bikes_, "approve"), nlohmann::json::object()).status,
      403);
  // The limited author may not schedule it past the approval.
  EXPECT_EQ(as(limited_, "POST", post_path(id) + "/schedule", {{"when", now()}}).status, 403);

  auto approved =
      as(publisher_, "POST", target_path(id, bikes_, "approve"), {{"comment", "lovely"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["state"], "scheduled");
  EXPECT_EQ(approved.json()["targets"][0]["approval"]["decision"], "approved");
  EXPECT_EQ(approved.json()["targets"][0]["approval"]["approver_user_id"], publisher_.id);
  // Decided once only.
  EXPECT_EQ(
      as(publisher_, "POST", target_path(id, bikes_, "approve"), nlohmann::json::object()).status,
      409);

  auto notices = notifications_of(limited_);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["kind"], "post.approved");
  EXPECT_EQ(notices[0]["payload"]["post_id"], id);
  EXPECT_EQ(notices[0]["payload"]["comment"], "lovely");
}

TEST_F(PostsTest, ARejectionWithACommentReturnsThePostToItsAuthor) {
  auto created =
      as(limited_, "POST", posts_path(), body("Too bold?", targets({bikes_, news_}), now()));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json()["id"];
  EXPECT_EQ(created.json()["state"], "pending_approval");

  auto rejected =
      as(owner_, "POST", target_path(id, news_, "reject"), {{"comment", "not on news"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json()["state"], "rejected");
  auto notices = notifications_of(limited_);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["kind"], "post.rejected");
  EXPECT_EQ(notices[0]["payload"]["comment"], "not on news");

  // Only the author edits it; then it is a draft to submit again.
  auto edit = body("Toned down", targets({bikes_}), {{"mode", "draft"}});
  EXPECT_EQ(as(publisher_, "PATCH", post_path(id), edit).status, 403);
  auto edited = as(limited_, "PATCH", post_path(id), edit);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json()["state"], "draft");
  EXPECT_EQ(edited.json()["text"], "Toned down");
  EXPECT_EQ(edited.json()["targets"].size(), 1u);
  auto submitted = as(limited_, "POST", post_path(id) + "/submit", nlohmann::json::object());
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  EXPECT_EQ(submitted.json()["state"], "pending_approval");
  EXPECT_TRUE(submitted.json()["targets"][0]["approval"].is_null());
}

TEST_F(PostsTest, TargetsWhereTheAuthorPublishesAreApprovedByTheAuthor) {
  // The publisher is limited on a third profile.
  auto shop = connect_profile(acme_, "did:plc:shop", "shop.test");
  grant(publisher_, "Shop writers", {{shop, "limited"}});
  auto created =
      as(publisher_, "POST", posts_path(), body("Sale on Friday", targets({bikes_, shop}), now()));
  ASSERT_EQ(created.status, 201) << created.body;
  auto post = created.json();
  EXPECT_EQ(post["state"], "pending_approval");
  EXPECT_EQ(post["targets"][0]["approval"]["decision"], "approved");
  EXPECT_TRUE(post["targets"][1]["approval"].is_null());
  auto approved =
      as(owner_, "POST", target_path(post["id"], shop, "approve"), nlohmann::json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["state"], "scheduled");
}

TEST_F(PostsTest, ViewersAreDeniedAndOtherOrganizationsProfilesDoNotExist) {
  auto viewer = as(viewer_, "POST", posts_path(), body("hi", targets({bikes_}), now()));
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_NE(error_message(viewer).find("compose_post"), std::string::npos);
  // The viewer has no level at all on news: it does not exist for them.
  EXPECT_EQ(as(viewer_, "POST", posts_path(), body("hi", targets({news_}), now())).status, 404);
  // Another organization's profile through Acme's path, and Acme's path for an outsider.
  auto foreign = as(owner_, "POST", posts_path(), body("hi", targets({globex_profile_}), now()));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(as(outsider_, "POST", posts_path(), body("hi", targets({bikes_}), now())).status, 404);

  // Scheduled ahead: a post due now goes to the dispatcher at once (ADR 0030) and could be
  // failed before it is cancelled.
  auto created = as(publisher_, "POST", posts_path(),
                    body("mine", targets({bikes_}), at("2027-06-01T09:00", "Europe/Paris")));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json()["id"];
  EXPECT_EQ(as(outsider_, "GET", post_path(id)).status, 404);
  EXPECT_EQ(as(outsider_, "GET", org_path(globex_) + "/posts/" + std::to_string(id)).status, 404);
  // The viewer sees it, but may not cancel it.
  EXPECT_EQ(as(viewer_, "GET", post_path(id)).status, 200);
  EXPECT_EQ(as(viewer_, "POST", post_path(id) + "/cancel").status, 403);
  auto cancelled = as(publisher_, "POST", post_path(id) + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["state"], "cancelled");
  EXPECT_EQ(cancelled.json()["targets"][0]["state"], "cancelled");
  EXPECT_EQ(as(publisher_, "POST", post_path(id) + "/cancel").status, 409);

  std::vector<std::string> actions;
  for (const auto& record : audit_of(acme_)) actions.push_back(record.event.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "post.created"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "post.cancelled"), actions.end());
}

TEST_F(PostsTest, AProfileThatRequiresConfirmationMustBeNamed) {
  require_confirmation(news_);
  auto refused =
      as(publisher_, "POST", posts_path(), body("Big news", targets({bikes_, news_}), now()));
  ASSERT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "confirmation_required");
  ASSERT_EQ(refused.json()["error"]["details"].size(), 1u);
  EXPECT_EQ(refused.json()["error"]["details"][0]["message"], "news.test");
  EXPECT_NE(error_message(refused).find("@news.test"), std::string::npos);

  // Naming another profile is not enough.
  auto request = body("Big news", targets({bikes_, news_}), now());
  request["confirm_profiles"] = {bikes_};
  EXPECT_EQ(as(publisher_, "POST", posts_path(), request).status, 409);
  request["confirm_profiles"] = {news_};
  auto confirmed = as(publisher_, "POST", posts_path(), request);
  ASSERT_EQ(confirmed.status, 201) << confirmed.body;
  EXPECT_EQ(confirmed.json()["state"], "scheduled");

  // A draft needs no confirmation until it is scheduled.
  auto draft = as(publisher_, "POST", posts_path(),
                  body("Draft news", targets({news_}), {{"mode", "draft"}}));
  ASSERT_EQ(draft.status, 201) << draft.body;
  EXPECT_EQ(draft.json()["state"], "draft");
  const std::int64_t id = draft.json()["id"];
  auto unconfirmed = as(publisher_, "POST", post_path(id) + "/schedule", {{"when", now()}});
  EXPECT_EQ(unconfirmed.status, 409) << unconfirmed.body;
  EXPECT_EQ(unconfirmed.json()["error"]["code"], "confirmation_required");
  auto scheduled = as(publisher_, "POST", post_path(id) + "/schedule",
                      {{"when", now()}, {"confirm_profiles", {news_}}});
  ASSERT_EQ(scheduled.status, 200) << scheduled.body;
  EXPECT_EQ(scheduled.json()["state"], "scheduled");
}

TEST_F(PostsTest, TheSameTextToTheSameProfileWithinADayNeedsAnOverride) {
  auto first = as(publisher_, "POST", posts_path(),
                  body("Ride at dawn", targets({bikes_}), at("2027-06-01T09:00", "UTC")));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::int64_t first_id = first.json()["id"];

  auto again = as(publisher_, "POST", posts_path(),
                  body("Ride at dawn", targets({news_, bikes_}), at("2027-06-01T20:00", "UTC")));
  ASSERT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json()["error"]["code"], "duplicate_post");
  ASSERT_EQ(fields_of(again), std::vector<std::string>{"targets[1]"});
  EXPECT_NE(again.json()["error"]["details"][0]["message"].get<std::string>().find(
                "post " + std::to_string(first_id)),
            std::string::npos);

  // A day and a half later is no duplicate; another text neither; nor another profile.
  EXPECT_EQ(as(publisher_, "POST", posts_path(),
               body("Ride at dawn", targets({bikes_}), at("2027-06-02T21:00", "UTC")))
                .status,
            201);
  EXPECT_EQ(as(publisher_, "POST", posts_path(),
               body("Ride at noon", targets({bikes_}), at("2027-06-01T10:00", "UTC")))
                .status,
            201);
  // A target's own text is what counts.
  auto override_text = body("Something else", targets({bikes_}), at("2027-06-01T10:00", "UTC"));
  override_text["targets"][0]["text"] = "Ride at dawn";
  EXPECT_EQ(as(publisher_, "POST", posts_path(), override_text).status, 409);

  auto overridden = body("Ride at dawn", targets({news_, bikes_}), at("2027-06-01T20:00", "UTC"));
  overridden["allow_duplicate"] = true;
  auto forced = as(publisher_, "POST", posts_path(), overridden);
  ASSERT_EQ(forced.status, 201) << forced.body;
  ASSERT_EQ(forced.json()["duplicates"].size(), 1u);
  EXPECT_EQ(forced.json()["duplicates"][0]["post_id"], first_id);

  // A cancelled post no longer counts.
  ASSERT_EQ(as(publisher_, "POST", post_path(first_id) + "/cancel").status, 200);
  ASSERT_EQ(as(publisher_, "POST", post_path(forced.json()["id"]) + "/cancel").status, 200);
  EXPECT_EQ(as(publisher_, "POST", posts_path(),
               body("Ride at dawn", targets({bikes_}), at("2027-06-01T09:30", "UTC")))
                .status,
            201);
}

TEST_F(PostsTest, AnIdempotencyKeyReplaysTheSameRequestAndRefusesAnother) {
  auto request = body("Exactly once", targets({bikes_}), at("2027-06-01T09:00", "UTC"));
  std::map<std::string, std::string> headers = {{"Cookie", "roost_session=" + publisher_.token},
                                                {"X-CSRF-Token", publisher_.csrf},
                                                {"Idempotency-Key", "compose-42"}};
  auto first = this->request("POST", posts_path(), request.dump(), headers);
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = this->request("POST", posts_path(), request.dump(), headers);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["replayed"], true);
  EXPECT_EQ(second.json()["id"], first.json()["id"]);

  request["text"] = "Exactly twice";
  auto other = this->request("POST", posts_path(), request.dump(), headers);
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_NE(error_message(other).find("Idempotency-Key"), std::string::npos);

  // Another user's key is theirs: the same key makes a new post.
  headers["Cookie"] = "roost_session=" + owner_.token;
  headers["X-CSRF-Token"] = owner_.csrf;
  request["text"] = "Exactly once";
  request["allow_duplicate"] = true;
  auto owners = this->request("POST", posts_path(), request.dump(), headers);
  ASSERT_EQ(owners.status, 201) << owners.body;
  EXPECT_NE(owners.json()["id"], first.json()["id"]);

  headers["Idempotency-Key"] = std::string(256, 'k');
  EXPECT_EQ(this->request("POST", posts_path(), request.dump(), headers).status, 422);
}

TEST_F(PostsTest, WallTimesAcrossDstInParisAndNewYorkFollowTheDocumentedRule) {
  struct Case {
    std::string local_time, zone, rule, wall_time, at;
  };
  const std::vector<Case> cases = {
      // Paris springs forward at 02:00 on 2027-03-28: 02:30 does not exist.
      {"2027-03-28T02:30", "Europe/Paris", "shifted_forward_over_gap", "2027-03-28T03:30:00+02:00",
       "2027-03-28T01:30:00.000Z"},
      // Paris falls back at 03:00 on 2027-10-31: 02:30 happens twice; the first is taken.
      {"2027-10-31T02:30", "Europe/Paris", "earlier_of_two", "2027-10-31T02:30:00+02:00",
       "2027-10-31T00:30:00.000Z"},
      {"2027-03-28T04:00", "Europe/Paris", "exact", "2027-03-28T04:00:00+02:00",
       "2027-03-28T02:00:00.000Z"},
      // New York springs forward at 02:00 on 2027-03-14 and falls back at 02:00 on 2027-11-07.
      {"2027-03-14T02:30", "America/New_York", "shifted_forward_over_gap",
       "2027-03-14T03:30:00-04:00", "2027-03-14T07:30:00.000Z"},
      {"2027-11-07T01:30", "America/New_York", "earlier_of_two", "2027-11-07T01:30:00-04:00",
       "2027-11-07T05:30:00.000Z"},
      {"2027-11-07T03:00", "America/New_York", "exact", "2027-11-07T03:00:00-05:00",
       "2027-11-07T08:00:00.000Z"},
  };
  int index = 0;
  for (const auto& expected : cases) {
    auto created = as(publisher_, "POST", posts_path(),
                      body("DST " + std::to_string(index++), targets({bikes_}),
                           at(expected.local_time, expected.zone)));
    ASSERT_EQ(created.status, 201) << created.body;
    const auto schedule = created.json()["schedule"];
    EXPECT_EQ(schedule["wall_time_rule"], expected.rule) << expected.local_time;
    EXPECT_EQ(schedule["wall_time"], expected.wall_time) << expected.local_time;
    EXPECT_EQ(schedule["at"], expected.at) << expected.local_time;
    EXPECT_EQ(schedule["local_time"], expected.local_time);
    // And the same when read back.
    auto fetched = as(publisher_, "GET", post_path(created.json()["id"]));
    EXPECT_EQ(fetched.json()["schedule"]["wall_time_rule"], expected.rule);
  }
}

TEST_F(PostsTest, BlueskysRulesAreCheckedPerTargetAndEveryProblemIsNamed) {
  std::string long_text(301, 'a');
  auto request = body(long_text, targets({bikes_, news_}), at("2027-06-01T09:00", "Mars/Base"));
  request["targets"][1]["text"] =
      std::string(299, 'b') + "👩‍👩‍👧‍👦";  // 300 graphemes: fine
  request["langs"] = {"english"};
  request["images"] = {{{"data", std::string(tiny_png_base64)}, {"alt", ""}}};
  auto refused = as(publisher_, "POST", posts_path(), request);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_TRUE(has_field(refused, "text")) << refused.body;
  EXPECT_FALSE(has_field(refused, "targets[1].text")) << refused.body;
  EXPECT_TRUE(has_field(refused, "langs[0]")) << refused.body;
  EXPECT_TRUE(has_field(refused, "images[0].alt")) << refused.body;
  EXPECT_TRUE(has_field(refused, "when.time_zone")) << refused.body;

  // One target's own text over the limit: named with the target and its handle.
  auto per_target = body("fine", targets({bikes_, news_}), now());
  per_target["targets"][1]["text"] = std::string(300, 'c') + "👍";
  auto too_long = as(publisher_, "POST", posts_path(), per_target);
  ASSERT_EQ(too_long.status, 422) << too_long.body;
  ASSERT_EQ(fields_of(too_long), std::vector<std::string>{"targets[1].text"});
  const std::string message = too_long.json()["error"]["details"][0]["message"];
  EXPECT_NE(message.find("text_too_long"), std::string::npos) << message;
  EXPECT_NE(message.find("@news.test"), std::string::npos) << message;

  // Missing pieces and wrong types, all at once.
  auto malformed = as(publisher_, "POST", posts_path(),
                      {{"kind", "shout"}, {"text", 5}, {"targets", {{{"profile_id", "x"}}}}});
  ASSERT_EQ(malformed.status, 422) << malformed.body;
  for (const char* field : {"kind", "text", "targets[0].profile_id", "when"}) {
    EXPECT_TRUE(has_field(malformed, field)) << field << " " << malformed.body;
  }
  // A time in the past, an unparsable time, no target, the same target twice.
  EXPECT_TRUE(has_field(as(publisher_, "POST", posts_path(),
                           body("x", targets({bikes_}), at("2020-01-01T09:00", "UTC"))),
                        "when.local_time"));
  EXPECT_TRUE(has_field(as(publisher_, "POST", posts_path(),
                           body("x", targets({bikes_}), at("2027-02-30T09:00", "UTC"))),
                        "when.local_time"));
  EXPECT_TRUE(has_field(
      as(publisher_, "POST", posts_path(), body("x", nlohmann::json::array(), now())), "targets"));
  EXPECT_TRUE(
      has_field(as(publisher_, "POST", posts_path(), body("x", targets({bikes_, bikes_}), now())),
                "targets[1].profile_id"));
  auto bad_base64 = body("x", targets({bikes_}), now());
  bad_base64["images"] = {{{"data", "not base64!"}, {"alt", "a"}}};
  EXPECT_TRUE(has_field(as(publisher_, "POST", posts_path(), bad_base64), "images[0].data"));
  auto not_image = body("x", targets({bikes_}), now());
  not_image["images"] = {
      {{"data", core::base64_encode("hello", core::Base64::standard)}, {"alt", "a"}}};
  EXPECT_TRUE(has_field(as(publisher_, "POST", posts_path(), not_image), "images[0]"));
}

TEST_F(PostsTest, ImagesWithAltTextAreKeptAndOversizedOnesRefused) {
  auto request = body("", targets({bikes_}), {{"mode", "draft"}});
  request["images"] = {{{"data", std::string(tiny_png_base64)}, {"alt", "a red dot"}}};
  request["langs"] = {"EN-us"};
  auto created = as(publisher_, "POST", posts_path(), request);
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(created.json()["images"].size(), 1u);
  EXPECT_EQ(created.json()["images"][0]["mime_type"], "image/png");
  EXPECT_EQ(created.json()["images"][0]["width"], 1);
  EXPECT_EQ(created.json()["images"][0]["alt"], "a red dot");
  EXPECT_EQ(created.json()["langs"], nlohmann::json({"en-US"}));

  // 1,000,001 bytes behind a PNG header: over Bluesky's limit (the route takes the body).
  auto png = core::base64_decode(tiny_png_base64, core::Base64::standard);
  ASSERT_TRUE(png.has_value());
  std::string large = *png + std::string(1'000'001 - png->size(), '\0');
  auto oversized = body("big", targets({bikes_}), now());
  oversized["images"] = {
      {{"data", core::base64_encode(large, core::Base64::standard)}, {"alt", "big"}}};
  auto refused = as(publisher_, "POST", posts_path(), oversized);
  ASSERT_EQ(refused.status, 422) << refused.body.substr(0, 500);
  EXPECT_TRUE(has_field(refused, "images[0]"));
  EXPECT_NE(refused.body.find("image_too_large"), std::string::npos);
  // Five images: too many.
  auto five = body("many", targets({bikes_}), now());
  for (int index = 0; index < 5; ++index) {
    five["images"].push_back({{"data", std::string(tiny_png_base64)}, {"alt", "dot"}});
  }
  EXPECT_TRUE(has_field(as(publisher_, "POST", posts_path(), five), "images"));
}

TEST_F(PostsTest, AnApprovalAfterThePostsTimeExpiresIt) {
  auto created =
      as(limited_, "POST", posts_path(),
         body("Soon", targets({bikes_}), at(utc_local_time(std::chrono::seconds(5)), "UTC")));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json()["id"];
  EXPECT_EQ(created.json()["state"], "pending_approval");
  // Five seconds (cut to the second) leave room for a slow machine to save it first.
  std::this_thread::sleep_for(std::chrono::milliseconds(5'500));

  auto late = as(publisher_, "POST", target_path(id, bikes_, "approve"), nlohmann::json::object());
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(late.json()["state"], "expired");
  auto notices = notifications_of(limited_);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["kind"], "post.expired");

  // An expired post is scheduled again by a publisher.
  auto rescheduled = as(publisher_, "POST", post_path(id) + "/schedule",
                        {{"when", at("2027-06-01T09:00", "Europe/Paris")}});
  ASSERT_EQ(rescheduled.status, 200) << rescheduled.body;
  EXPECT_EQ(rescheduled.json()["state"], "scheduled");
  EXPECT_EQ(rescheduled.json()["schedule"]["wall_time"], "2027-06-01T09:00:00+02:00");
  // And moved while its jobs are queued.
  auto moved = as(publisher_, "POST", post_path(id) + "/schedule",
                  {{"when", at("2027-06-02T09:00", "Europe/Paris")}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["schedule"]["at"], "2027-06-02T07:00:00.000Z");
}

TEST_F(PostsTest, RepostsLikesAndFollowsAreActionsForPublishers) {
  const nlohmann::json subject = {
      {"uri", "at://did:plc:someone/app.bsky.feed.post/3jzfcijpj2z2a"},
      {"cid", "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q"}};
  auto like =
      as(publisher_, "POST", posts_path(),
         {{"kind", "like"}, {"subject", subject}, {"targets", targets({bikes_})}, {"when", now()}});
  ASSERT_EQ(like.status, 201) << like.body;
  EXPECT_EQ(like.json()["kind"], "like");
  EXPECT_EQ(like.json()["state"], "scheduled");
  EXPECT_EQ(like.json()["subject"]["uri"], subject["uri"]);

  // Limited members only compose posts.
  EXPECT_EQ(as(limited_, "POST", posts_path(),
               {{"kind", "repost"},
                {"subject", subject},
                {"targets", targets({bikes_})},
                {"when", now()}})
                .status,
            403);
  auto with_text = as(publisher_, "POST", posts_path(),
                      {{"kind", "like"},
                       {"text", "nice"},
                       {"subject", subject},
                       {"targets", targets({bikes_})},
                       {"when", now()}});
  EXPECT_TRUE(has_field(with_text, "text")) << with_text.body;
  auto no_cid = as(publisher_, "POST", posts_path(),
                   {{"kind", "repost"},
                    {"subject", {{"uri", subject["uri"]}}},
                    {"targets", targets({bikes_})},
                    {"when", now()}});
  EXPECT_TRUE(has_field(no_cid, "subject")) << no_cid.body;
  auto follow_post = as(
      publisher_, "POST", posts_path(),
      {{"kind", "follow"}, {"subject", subject}, {"targets", targets({bikes_})}, {"when", now()}});
  EXPECT_TRUE(has_field(follow_post, "subject.uri")) << follow_post.body;
  auto follow = as(publisher_, "POST", posts_path(),
                   {{"kind", "follow"},
                    {"subject", {{"uri", "did:plc:someone"}}},
                    {"targets", targets({bikes_})},
                    {"when", now()}});
  ASSERT_EQ(follow.status, 201) << follow.body;
  EXPECT_EQ(follow.json()["kind"], "follow");

  // A reply needs both refs; with them, it is a reply.
  auto reply = body("Agreed", targets({bikes_}), now());
  reply["reply"] = {{"root", subject}, {"parent", subject}};
  auto replied = as(limited_, "POST", posts_path(), reply);
  ASSERT_EQ(replied.status, 201) << replied.body;
  EXPECT_EQ(replied.json()["kind"], "reply");
  EXPECT_EQ(replied.json()["reply"]["parent"]["cid"], subject["cid"]);
  reply["reply"] = {{"root", subject}};
  EXPECT_TRUE(has_field(as(limited_, "POST", posts_path(), reply), "reply.parent"));
}

TEST_F(PostsTest, OnlyTheAuthorSubmitsAndOnlyPublishersDecideOrCancelOthersPosts) {
  // A draft of the limited member's: the publisher sees it but may not submit it for them.
  auto draft =
      as(limited_, "POST", posts_path(), body("My words", targets({bikes_}), {{"mode", "draft"}}));
  ASSERT_EQ(draft.status, 201) << draft.body;
  const std::int64_t draft_id = draft.json()["id"];
  auto foreign_submit =
      as(publisher_, "POST", post_path(draft_id) + "/submit", nlohmann::json::object());
  EXPECT_EQ(foreign_submit.status, 403) << foreign_submit.body;
  EXPECT_NE(error_message(foreign_submit).find("only the author"), std::string::npos)
      << foreign_submit.body;
  EXPECT_EQ(as(limited_, "GET", post_path(draft_id)).json()["state"], "draft");

  // A post awaiting approval: neither a limited member nor a viewer rejects it.
  auto pending = as(limited_, "POST", posts_path(),
                    body("Awaiting a publisher", targets({bikes_}), at("2027-06-01T09:00", "UTC")));
  ASSERT_EQ(pending.status, 201) << pending.body;
  const std::int64_t pending_id = pending.json()["id"];
  ASSERT_EQ(pending.json()["state"], "pending_approval");
  auto limited_reject =
      as(limited_, "POST", target_path(pending_id, bikes_, "reject"), {{"comment", "no"}});
  EXPECT_EQ(limited_reject.status, 403) << limited_reject.body;
  EXPECT_NE(error_message(limited_reject).find("approve_post"), std::string::npos)
      << limited_reject.body;
  EXPECT_EQ(
      as(viewer_, "POST", target_path(pending_id, bikes_, "reject"), {{"comment", "no"}}).status,
      403);

  // A profile the post does not go to: the publisher of news may approve on news, but
  // this post is not news's to decide.
  auto elsewhere =
      as(publisher_, "POST", target_path(pending_id, news_, "approve"), nlohmann::json::object());
  EXPECT_EQ(elsewhere.status, 404) << elsewhere.body;
  EXPECT_NE(error_message(elsewhere).find("does not go to this profile"), std::string::npos)
      << elsewhere.body;
  EXPECT_EQ(
      as(publisher_, "POST", target_path(pending_id, news_, "reject"), {{"comment", "x"}}).status,
      404);

  // A comment one byte over the limit is refused and decides nothing; at the limit it is kept.
  auto too_long = as(publisher_, "POST", target_path(pending_id, bikes_, "reject"),
                     {{"comment", std::string(core::limits::approval_comment_bytes_max + 1, 'c')}});
  ASSERT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_EQ(fields_of(too_long), std::vector<std::string>{"comment"});
  auto after = as(limited_, "GET", post_path(pending_id));
  EXPECT_EQ(after.json()["state"], "pending_approval");
  EXPECT_TRUE(after.json()["targets"][0]["approval"].is_null()) << after.body;
  const std::string longest(core::limits::approval_comment_bytes_max, 'c');
  auto approved =
      as(publisher_, "POST", target_path(pending_id, bikes_, "approve"), {{"comment", longest}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["targets"][0]["approval"]["comment"], longest);

  // The publisher's own post: a limited member of its profile may not cancel it.
  auto theirs = as(publisher_, "POST", posts_path(),
                   body("Publisher's", targets({bikes_}), at("2027-06-03T09:00", "UTC")));
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const std::int64_t theirs_id = theirs.json()["id"];
  auto limited_cancel = as(limited_, "POST", post_path(theirs_id) + "/cancel");
  EXPECT_EQ(limited_cancel.status, 403) << limited_cancel.body;
  EXPECT_EQ(as(publisher_, "GET", post_path(theirs_id)).json()["state"], "scheduled");
  // The limited author cancels their own.
  auto own_cancel = as(limited_, "POST", post_path(draft_id) + "/cancel");
  ASSERT_EQ(own_cancel.status, 200) << own_cancel.body;
  EXPECT_EQ(own_cancel.json()["state"], "cancelled");
}

TEST_F(PostsTest, AScheduledPostIsNeitherEditedNorSubmittedAndADraftStaysADraft) {
  auto scheduled = as(publisher_, "POST", posts_path(),
                      body("Fixed", targets({bikes_}), at("2027-06-01T09:00", "UTC")));
  ASSERT_EQ(scheduled.status, 201) << scheduled.body;
  const std::int64_t id = scheduled.json()["id"];
  ASSERT_EQ(scheduled.json()["state"], "scheduled");
  auto edited = as(publisher_, "PATCH", post_path(id),
                   body("Changed", targets({bikes_}), {{"mode", "draft"}}));
  EXPECT_EQ(edited.status, 409) << edited.body;
  auto submitted = as(publisher_, "POST", post_path(id) + "/submit", nlohmann::json::object());
  EXPECT_EQ(submitted.status, 409) << submitted.body;
  auto unchanged = as(publisher_, "GET", post_path(id));
  EXPECT_EQ(unchanged.json()["state"], "scheduled");
  EXPECT_EQ(unchanged.json()["text"], "Fixed");

  // A draft is edited as a draft only: scheduling is /schedule's, approval /submit's.
  auto draft =
      as(publisher_, "POST", posts_path(), body("Draft", targets({bikes_}), {{"mode", "draft"}}));
  ASSERT_EQ(draft.status, 201) << draft.body;
  const std::int64_t draft_id = draft.json()["id"];
  for (const auto& when : {now(), at("2027-06-01T09:00", "UTC")}) {
    auto refused =
        as(publisher_, "PATCH", post_path(draft_id), body("Draft 2", targets({bikes_}), when));
    ASSERT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(fields_of(refused), std::vector<std::string>{"when.mode"}) << refused.body;
  }
  auto kept = as(publisher_, "GET", post_path(draft_id));
  EXPECT_EQ(kept.json()["state"], "draft");
  EXPECT_EQ(kept.json()["text"], "Draft");
}

TEST_F(PostsTest, UnfollowsAndDeletionsAreActionsForPublishers) {
  const nlohmann::json follow_record = {
      {"uri", "at://did:plc:bikes/app.bsky.graph.follow/3jzfcijpj2z2a"}};
  const nlohmann::json post_record = {
      {"uri", "at://did:plc:bikes/app.bsky.feed.post/3jzfcijpj2z2b"}};
  auto unfollow = as(publisher_, "POST", posts_path(),
                     {{"kind", "unfollow"},
                      {"subject", follow_record},
                      {"targets", targets({bikes_})},
                      {"when", now()}});
  ASSERT_EQ(unfollow.status, 201) << unfollow.body;
  EXPECT_EQ(unfollow.json()["kind"], "unfollow");
  EXPECT_EQ(unfollow.json()["state"], "scheduled");
  EXPECT_EQ(unfollow.json()["subject"]["uri"], follow_record["uri"]);
  auto deletion = as(publisher_, "POST", posts_path(),
                     {{"kind", "delete"},
                      {"subject", post_record},
                      {"targets", targets({bikes_})},
                      {"when", now()}});
  ASSERT_EQ(deletion.status, 201) << deletion.body;
  EXPECT_EQ(deletion.json()["kind"], "delete");
  EXPECT_EQ(deletion.json()["subject"]["uri"], post_record["uri"]);
  auto fetched = as(viewer_, "GET", post_path(deletion.json()["id"]));
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.json()["kind"], "delete");

  // The subject must be of the kind's shape: a follow record to unfollow, a record to delete.
  auto wrong_unfollow = as(publisher_, "POST", posts_path(),
                           {{"kind", "unfollow"},
                            {"subject", post_record},
                            {"targets", targets({bikes_})},
                            {"when", now()}});
  EXPECT_EQ(wrong_unfollow.status, 422) << wrong_unfollow.body;
  EXPECT_TRUE(has_field(wrong_unfollow, "subject.uri")) << wrong_unfollow.body;
  auto wrong_delete = as(publisher_, "POST", posts_path(),
                         {{"kind", "delete"},
                          {"subject", {{"uri", "did:plc:someone"}}},
                          {"targets", targets({bikes_})},
                          {"when", now()}});
  EXPECT_EQ(wrong_delete.status, 422) << wrong_delete.body;
  EXPECT_TRUE(has_field(wrong_delete, "subject.uri")) << wrong_delete.body;
  // Limited members compose posts only.
  EXPECT_EQ(as(limited_, "POST", posts_path(),
               {{"kind", "delete"},
                {"subject", post_record},
                {"targets", targets({bikes_})},
                {"when", now()}})
                .status,
            403);
}

}  // namespace
}  // namespace roost::testing
