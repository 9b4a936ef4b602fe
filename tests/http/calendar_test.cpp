// The post calendar through the real binary: filters by range, profile, team and state,
// pages, what a member who is not an admin sees, another organization (404), the query's
// validation, and the CSV and iCalendar exports (formula guard, RFC 5545 structure).
// Composing posts has its own routes; these tests write posts through storage.
#include <algorithm>
#include <set>

#include "domain/csv.hpp"
#include "domain/text.hpp"
#include "org_scenario_test.hpp"
#include "storage/post_repository.hpp"
#include "storage/publish_job_repository.hpp"

namespace roost::testing {
namespace {

// Instants of January 2030, far enough ahead that no dispatcher publishes them meanwhile.
constexpr std::int64_t jan_05_ms = 1'893'801'600'000;  // 2030-01-05T00:00:00Z
constexpr std::int64_t day_ms = 24LL * 60 * 60 * 1000;
constexpr std::int64_t hour_ms = 60LL * 60 * 1000;
constexpr std::int64_t created_us = 1'796'392'800'000'000;  // 2026-12-04T14:00:00Z
const std::string january = "from=2030-01-01T00:00:00Z&until=2030-02-01T00:00:00Z";

std::string bikes_emoji(int count) {
  std::string text;
  for (int index = 0; index < count; ++index) text += "\xF0\x9F\x9A\xB2";
  return text;
}

class CalendarTest : public OrgScenarioTest {
 protected:
  void SetUp() override {
    owner_ = sign_up("owner@example.com");
    member_ = sign_up("member@example.com");
    outsider_ = sign_up("outsider@example.com");
    acme_ = create_org(owner_, "Acme");
    globex_ = create_org(outsider_, "Globex");
    add_member(acme_, member_, domain::OrgRole::member);
    london_ = create_team(owner_, acme_, "London");
    stockholm_ = create_team(owner_, acme_, "Stockholm");
    globex_team_ = create_team(outsider_, globex_, "Globex team");
    auto put = as(owner_, "PUT", team_path(london_) + "/members/" + std::to_string(member_.id),
                  {{"team_role", "member"}});
    ASSERT_EQ(put.status, 200) << put.body;
    bikes_ = connect_profile(acme_, "did:plc:bikes", "bikes.test");
    news_ = connect_profile(acme_, "did:plc:news", "news.test");
    globex_profile_ = connect_profile(globex_, "did:plc:globex", "globex.test");
    ASSERT_EQ(as(owner_, "PUT", team_path(london_) + "/profiles/" + std::to_string(bikes_),
                 {{"level", "viewer"}})
                  .status,
              200);

    auto database = open_database();
    ASSERT_TRUE(database);
    storage::PostRepository posts(*database);
    published_ = write_post(posts, acme_, owner_, storage::PostState::scheduled, "Published one",
                            jan_05_ms, {bikes_});
    launch_ = write_post(posts, acme_, owner_, storage::PostState::scheduled, "Bikes launch",
                         jan_05_ms + 5 * day_ms + 9 * hour_ms, {bikes_}, "Europe/Paris",
                         "2030-01-10T10:00");
    formula_ = write_post(posts, acme_, member_, storage::PostState::scheduled,
                          "=HYPERLINK(\"http://evil.example\",\"click\")",
                          jan_05_ms + 6 * day_ms + 9 * hour_ms, {news_});
    both_text_ = "Both, with; semicolons \\ " + bikes_emoji(70) + "\nand a second line";
    both_ = write_post(posts, acme_, owner_, storage::PostState::draft, both_text_,
                       jan_05_ms + 7 * day_ms, {bikes_, news_});
    pending_ = write_post(posts, acme_, member_, storage::PostState::pending_approval,
                          "Waiting for approval", jan_05_ms + 8 * day_ms, {news_});
    cancelled_ = write_post(posts, acme_, owner_, storage::PostState::scheduled, "Called off",
                            jan_05_ms + 9 * day_ms, {bikes_});
    february_ = write_post(posts, acme_, owner_, storage::PostState::scheduled, "February",
                           jan_05_ms + 45 * day_ms, {bikes_});
    globex_post_ = write_post(posts, globex_, outsider_, storage::PostState::scheduled,
                              "Globex news", jan_05_ms + 5 * day_ms, {globex_profile_});
    auto cancelled =
        posts.cancel(core::OrgId{acme_}, core::PostId{cancelled_}, created_us, test_audit());
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;

    // The first post goes through its job as the dispatcher would: claimed, sent, done.
    storage::PublishJobRepository jobs(*database);
    auto claimed = jobs.claim_due(jan_05_ms + 1, "calendar-test", 60'000, 10);
    ASSERT_TRUE(claimed.ok()) << claimed.error().message;
    ASSERT_EQ(claimed->size(), 1u);
    ASSERT_TRUE(jobs.mark_sent(claimed->front().lease, jan_05_ms + 2).ok());
    ASSERT_TRUE(
        jobs.complete(claimed->front().lease, {published_uri_, "bafyreiexample"}, jan_05_ms + 3)
            .ok());
  }

  static storage::AuditEvent test_audit() {
    return storage::AuditEvent{{}, std::nullopt, "", "", "{}", "test", 1};
  }

  std::int64_t write_post(storage::PostRepository& posts, std::int64_t org, const User& author,
                          storage::PostState state, const std::string& text, std::int64_t at_ms,
                          std::vector<std::int64_t> profiles, std::string zone = "UTC",
                          std::string local_time = "") {
    storage::NewPost post;
    post.org = core::OrgId{org};
    post.author = core::UserId{author.id};
    post.state = state;
    post.text = text;
    post.schedule.at_ms = at_ms;
    post.schedule.time_zone = std::move(zone);
    post.schedule.local_time = std::move(local_time);
    post.schedule.wall_time_rule = "exact";
    for (auto profile : profiles) {
      post.targets.push_back({core::ProfileId{profile}, std::nullopt, "hash-" + text});
    }
    auto created = posts.create(post, created_us, test_audit());
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    return created.ok() ? created->post.id.value : 0;
  }

  std::string team_path(std::int64_t team, std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/teams/" + std::to_string(team);
  }
  std::string posts_path(const std::string& query, std::int64_t org = 0) const {
    return org_path(org ? org : acme_) + "/posts?" + query;
  }

  // The ids of the listed posts, in order; the listing must succeed.
  std::vector<std::int64_t> listed_ids(const User& user, const std::string& query) {
    auto listed = as(user, "GET", posts_path(query));
    EXPECT_EQ(listed.status, 200) << query << ": " << listed.body;
    std::vector<std::int64_t> ids;
    if (listed.status != 200) return ids;
    const auto body = listed.json();
    for (const auto& post : body["posts"]) ids.push_back(post["id"]);
    return ids;
  }

  std::set<std::string> error_fields(const HttpResponse& response) {
    std::set<std::string> fields;
    const auto body = response.json();
    for (const auto& detail : body["error"]["details"]) fields.insert(detail["field"]);
    return fields;
  }

  User owner_, member_, outsider_;
  std::int64_t acme_ = 0, globex_ = 0, london_ = 0, stockholm_ = 0, globex_team_ = 0;
  std::int64_t bikes_ = 0, news_ = 0, globex_profile_ = 0;
  std::int64_t published_ = 0, launch_ = 0, formula_ = 0, both_ = 0, pending_ = 0;
  std::int64_t cancelled_ = 0, february_ = 0, globex_post_ = 0;
  std::string both_text_;
  const std::string published_uri_ = "at://did:plc:bikes/app.bsky.feed.post/3kcalendar22";
};

TEST_F(CalendarTest, AnAdminSeesEveryPostOfTheRangeInOrderWithItsSchedule) {
  EXPECT_EQ(listed_ids(owner_, january), (std::vector<std::int64_t>{published_, launch_, formula_,
                                                                    both_, pending_, cancelled_}));
  // Milliseconds work as well as RFC 3339; until is exclusive.
  EXPECT_EQ(listed_ids(owner_, "from=" + std::to_string(jan_05_ms) + "&until=" +
                                   std::to_string(jan_05_ms + 6 * day_ms + 9 * hour_ms)),
            (std::vector<std::int64_t>{published_, launch_}));

  auto listed = as(owner_, "GET", posts_path(january));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto body = listed.json();
  EXPECT_TRUE(body["next_cursor"].is_null());
  const auto& launch = body["posts"][1];
  EXPECT_EQ(launch["state"], "scheduled");
  EXPECT_EQ(launch["text"], "Bikes launch");
  EXPECT_EQ(launch["schedule"]["at"].get<std::string>().substr(0, 19), "2030-01-10T09:00:00");
  EXPECT_EQ(launch["schedule"]["time_zone"], "Europe/Paris");
  EXPECT_EQ(launch["schedule"]["local_time"], "2030-01-10T10:00:00+01:00");
  EXPECT_EQ(launch["schedule"]["requested_local_time"], "2030-01-10T10:00");
  EXPECT_EQ(launch["author"]["id"], owner_.id);
  EXPECT_EQ(launch["author"]["email"], "owner@example.com");
  ASSERT_EQ(launch["targets"].size(), 1u);
  EXPECT_EQ(launch["targets"][0]["handle"], "bikes.test");
  EXPECT_EQ(launch["targets"][0]["state"], "pending");

  const auto& published = body["posts"][0];
  EXPECT_EQ(published["state"], "published");
  EXPECT_EQ(published["targets"][0]["published_uri"], published_uri_);
  EXPECT_EQ(body["posts"][5]["state"], "cancelled");
  const auto& both = body["posts"][3];
  ASSERT_EQ(both["targets"].size(), 2u);
  EXPECT_EQ(both["state"], "draft");
}

TEST_F(CalendarTest, FiltersByProfileTeamAndStateCombine) {
  const auto news = "&profile=" + std::to_string(news_);
  const auto bikes = "&profile=" + std::to_string(bikes_);
  EXPECT_EQ(listed_ids(owner_, january + news),
            (std::vector<std::int64_t>{formula_, both_, pending_}));
  EXPECT_EQ(listed_ids(owner_, january + news + bikes).size(), 6u);
  EXPECT_EQ(listed_ids(owner_,
                       january + "&profile=" + std::to_string(news_) + "," + std::to_string(bikes_))
                .size(),
            6u);
  EXPECT_EQ(listed_ids(owner_, january + "&state=scheduled"),
            (std::vector<std::int64_t>{launch_, formula_}));
  EXPECT_EQ(listed_ids(owner_, january + "&state=draft&state=pending_approval"),
            (std::vector<std::int64_t>{both_, pending_}));
  EXPECT_EQ(listed_ids(owner_, january + "&state=draft,cancelled,published"),
            (std::vector<std::int64_t>{published_, both_, cancelled_}));
  // London has bikes: the posts with a target on it.
  EXPECT_EQ(listed_ids(owner_, january + "&team=" + std::to_string(london_)),
            (std::vector<std::int64_t>{published_, launch_, both_, cancelled_}));
  EXPECT_TRUE(listed_ids(owner_, january + "&team=" + std::to_string(stockholm_)).empty());
  EXPECT_EQ(
      listed_ids(owner_, january + news + "&team=" + std::to_string(london_) + "&state=draft"),
      (std::vector<std::int64_t>{}));
  EXPECT_EQ(listed_ids(owner_, january + bikes + "&state=draft"),
            (std::vector<std::int64_t>{both_}));
}

TEST_F(CalendarTest, PagesFollowTheCursorToTheEnd) {
  std::vector<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  while (true) {
    auto listed = as(owner_, "GET", posts_path(january + "&limit=4" + cursor));
    ASSERT_EQ(listed.status, 200) << listed.body;
    const auto body = listed.json();
    ++pages;
    for (const auto& post : body["posts"]) seen.push_back(post["id"]);
    if (body["next_cursor"].is_null()) break;
    EXPECT_EQ(body["posts"].size(), 4u);
    cursor = "&cursor=" + body["next_cursor"].get<std::string>();
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen, listed_ids(owner_, january));
  EXPECT_EQ(listed_ids(owner_, january + "&limit=1").size(), 1u);
  EXPECT_EQ(as(owner_, "GET", posts_path(january + "&cursor=banana")).status, 422);
  EXPECT_EQ(as(owner_, "GET", posts_path(january + "&cursor=12_0")).status, 422);
}

TEST_F(CalendarTest, AMemberSeesOnlyTheProfilesTheirTeamsHave) {
  // London has bikes only: the member's own post to news is not shown either.
  EXPECT_EQ(listed_ids(member_, january),
            (std::vector<std::int64_t>{published_, launch_, both_, cancelled_}));
  auto listed = as(member_, "GET", posts_path(january + "&state=draft"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const auto body = listed.json();
  ASSERT_EQ(body["posts"].size(), 1u);
  ASSERT_EQ(body["posts"][0]["targets"].size(), 1u);  // news is left out of the targets
  EXPECT_EQ(body["posts"][0]["targets"][0]["handle"], "bikes.test");
  EXPECT_EQ(listed.body.find("news.test"), std::string::npos);

  // A profile they cannot see does not exist for them, as GET /profiles/{id} says.
  EXPECT_EQ(as(member_, "GET", posts_path(january + "&profile=" + std::to_string(news_))).status,
            404);
  EXPECT_EQ(as(member_, "GET", org_path(acme_) + "/profiles/" + std::to_string(news_)).status, 404);
  EXPECT_EQ(listed_ids(member_, january + "&profile=" + std::to_string(bikes_)).size(), 4u);
  // Their team: fine; a team they are not in: 403, as GET /teams/{id}.
  EXPECT_EQ(listed_ids(member_, january + "&team=" + std::to_string(london_)).size(), 4u);
  EXPECT_EQ(as(member_, "GET", posts_path(january + "&team=" + std::to_string(stockholm_))).status,
            403);

  // Granted news through London, the member sees those posts too.
  ASSERT_EQ(as(owner_, "PUT", team_path(london_) + "/profiles/" + std::to_string(news_),
               {{"level", "viewer"}})
                .status,
            200);
  EXPECT_EQ(listed_ids(member_, january).size(), 6u);
}

TEST_F(CalendarTest, AnotherOrganizationIsNotFound) {
  for (const std::string route : {"/posts?", "/posts/export.csv?", "/posts/export.ics?"}) {
    auto response = as(outsider_, "GET", org_path(acme_) + route + january);
    EXPECT_EQ(response.status, 404) << route << response.body;
    EXPECT_EQ(response.body.find("Bikes launch"), std::string::npos);
    EXPECT_EQ(request("GET", org_path(acme_) + route + january).status, 401) << route;
    // Not even a wrong query tells them anything: still 404.
    EXPECT_EQ(as(outsider_, "GET", org_path(acme_) + route).status, 404) << route;
    EXPECT_EQ(as(outsider_, "GET", org_path(acme_) + route + "from=1&until=0&state=x").status, 404)
        << route;
  }
  // Another organization's profile or team in Acme's calendar: 404, like an unknown one.
  EXPECT_EQ(
      as(owner_, "GET", posts_path(january + "&profile=" + std::to_string(globex_profile_))).status,
      404);
  EXPECT_EQ(as(owner_, "GET", posts_path(january + "&profile=999999")).status, 404);
  EXPECT_EQ(as(owner_, "GET", posts_path(january + "&team=" + std::to_string(globex_team_))).status,
            404);
  // Globex's own calendar shows Globex's post only.
  auto globex = as(outsider_, "GET", posts_path(january, globex_));
  ASSERT_EQ(globex.status, 200) << globex.body;
  ASSERT_EQ(globex.json()["posts"].size(), 1u);
  EXPECT_EQ(globex.json()["posts"][0]["id"], globex_post_);
}

TEST_F(CalendarTest, InvalidQueriesAre422NamingEachField) {
  auto missing = as(owner_, "GET", org_path(acme_) + "/posts");
  ASSERT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(error_fields(missing), (std::set<std::string>{"from", "until"}));

  auto many = as(owner_, "GET",
                 posts_path("from=yesterday&until=2030-02-01T00:00:00Z&state=bogus&profile=abc"
                            "&team=-1&limit=501"));
  ASSERT_EQ(many.status, 422) << many.body;
  EXPECT_EQ(error_fields(many),
            (std::set<std::string>{"from", "state", "profile", "team", "limit"}));
  EXPECT_NE(many.body.find("bogus"), std::string::npos);

  // A long state is quoted back cut between characters: no U+FFFD from a split 'é'.
  std::string long_state;
  for (int i = 0; i < 150; ++i) long_state += "%C3%A9";
  auto long_one = as(owner_, "GET", posts_path(january + "&state=x" + long_state));
  ASSERT_EQ(long_one.status, 422) << long_one.body;
  EXPECT_EQ(long_one.body.find("\xEF\xBF\xBD"), std::string::npos) << long_one.body;
  EXPECT_NE(long_one.body.find("x\xC3\xA9"), std::string::npos) << long_one.body;
  EXPECT_EQ(as(owner_, "GET", posts_path(january + "&limit=0")).status, 422);

  // The range: until after from, and at most 366 days.
  auto backwards =
      as(owner_, "GET", posts_path("from=2030-02-01T00:00:00Z&until=2030-01-01T00:00:00Z"));
  ASSERT_EQ(backwards.status, 422) << backwards.body;
  EXPECT_EQ(error_fields(backwards), (std::set<std::string>{"until"}));
  EXPECT_EQ(
      as(owner_, "GET", posts_path("from=2030-01-01T00:00:00Z&until=2030-01-01T00:00:00Z")).status,
      422);
  auto too_long =
      as(owner_, "GET", posts_path("from=2030-01-01T00:00:00Z&until=2031-01-03T00:00:00Z"));
  ASSERT_EQ(too_long.status, 422) << too_long.body;
  EXPECT_NE(too_long.body.find("366 days"), std::string::npos);
  EXPECT_EQ(listed_ids(owner_, "from=2030-01-01T00:00:00Z&until=2031-01-02T00:00:00Z").size(), 7u);
  // The exports check the same way.
  EXPECT_EQ(as(owner_, "GET", org_path(acme_) + "/posts/export.csv?from=1").status, 422);
  EXPECT_EQ(as(owner_, "GET", org_path(acme_) + "/posts/export.ics?" + january + "&state=x").status,
            422);
}

TEST_F(CalendarTest, TheCsvExportIsRfc4180AndGuardsAgainstFormulas) {
  auto exported = as(owner_, "GET", org_path(acme_) + "/posts/export.csv?" + january);
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(exported.header("content-disposition")
                .rfind("attachment; filename=\"posts-" + std::to_string(acme_) + "-", 0),
            0u);
  EXPECT_TRUE(exported.header("x-roost-export-truncated").empty());
  auto records = domain::read_csv(exported.body);
  ASSERT_TRUE(records.ok()) << records.error().message;
  ASSERT_EQ(records->size(), 7u);  // the header and six posts
  std::vector<std::string> header;
  for (const auto& field : (*records)[0].fields) header.push_back(field.value);
  EXPECT_EQ(header, (std::vector<std::string>{"post_id", "state", "kind", "scheduled_utc",
                                              "time_zone", "local_time", "calendar_utc", "profiles",
                                              "text", "author", "author_email", "published_uris"}));
  auto row = [&](std::size_t index) {
    std::map<std::string, std::string> cells;
    for (std::size_t column = 0; column < header.size(); ++column) {
      cells[header[column]] = (*records)[index].fields.at(column).value;
    }
    return cells;
  };
  auto published = row(1);
  EXPECT_EQ(published["post_id"], std::to_string(published_));
  EXPECT_EQ(published["state"], "published");
  EXPECT_EQ(published["published_uris"], published_uri_);
  auto launch = row(2);
  EXPECT_EQ(launch["time_zone"], "Europe/Paris");
  EXPECT_EQ(launch["local_time"], "2030-01-10T10:00:00+01:00");
  EXPECT_EQ(launch["scheduled_utc"].substr(0, 19), "2030-01-10T09:00:00");
  EXPECT_EQ(launch["author_email"], "owner@example.com");
  // The formula is written as text: a spreadsheet does not run it.
  auto formula = row(3);
  EXPECT_EQ(formula["text"], "'=HYPERLINK(\"http://evil.example\",\"click\")");
  EXPECT_EQ(formula["author_email"], "member@example.com");
  EXPECT_EQ(exported.body.find("\n=HYPERLINK"), std::string::npos);
  EXPECT_EQ(exported.body.find(",=HYPERLINK"), std::string::npos);
  // Commas, semicolons, a backslash, line breaks and UTF-8 come back as written.
  auto both = row(4);
  EXPECT_EQ(both["text"], both_text_);
  EXPECT_EQ(both["profiles"], "bikes.test news.test");

  // A member's export holds what their listing shows.
  auto of_member = as(member_, "GET", org_path(acme_) + "/posts/export.csv?" + january);
  ASSERT_EQ(of_member.status, 200);
  auto member_records = domain::read_csv(of_member.body);
  ASSERT_TRUE(member_records.ok());
  EXPECT_EQ(member_records->size(), 5u);
  EXPECT_EQ(of_member.body.find("news.test"), std::string::npos);
  EXPECT_EQ(of_member.body.find("HYPERLINK"), std::string::npos);
}

TEST_F(CalendarTest, TheIcalendarExportIsRfc5545) {
  auto exported = as(owner_, "GET",
                     org_path(acme_) + "/posts/export.ics?" + january + "&state=published," +
                         "scheduled,draft,cancelled");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(exported.header("content-disposition").find(".ics\""), std::string::npos);
  const auto& text = exported.body;
  // Every line ends in CRLF and holds at most 75 octets, each valid UTF-8 on its own.
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "a line without CRLF at " << start;
    auto line = text.substr(start, end - start);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(domain::count_code_points(line).has_value()) << line;
    if (!line.empty() && line[0] == ' ') {
      ASSERT_FALSE(lines.empty());
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
    start = end + 2;
  }
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_NE(std::find(lines.begin(), lines.end(), "VERSION:2.0"), lines.end());
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(),
                          [](const std::string& line) { return line.rfind("PRODID:", 0) == 0; }));

  // One VEVENT per post, each with the properties RFC 5545 requires.
  std::vector<std::map<std::string, std::string>> events;
  for (const auto& line : lines) {
    if (line == "BEGIN:VEVENT") {
      events.emplace_back();
    } else if (line != "END:VEVENT" && !events.empty() && line.rfind("END:", 0) != 0) {
      auto colon = line.find(':');
      events.back()[line.substr(0, colon)] = line.substr(colon + 1);
    }
  }
  ASSERT_EQ(events.size(), 5u);
  for (const auto& event : events) {
    for (const auto* property : {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "STATUS"}) {
      EXPECT_TRUE(event.count(property)) << property;
    }
  }
  const auto& launch = events[1];
  EXPECT_EQ(launch.at("UID"), "post-" + std::to_string(launch_) + "@127.0.0.1");
  EXPECT_EQ(launch.at("DTSTART"), "20300110T090000Z");
  EXPECT_EQ(launch.at("DTSTAMP"), "20261204T140000Z");
  EXPECT_EQ(launch.at("SUMMARY"), "Bikes launch");
  EXPECT_EQ(launch.at("STATUS"), "CONFIRMED");
  EXPECT_NE(launch.at("DESCRIPTION").find("2030-01-10T10:00:00+01:00 (Europe/Paris)"),
            std::string::npos);
  // Escaped: comma, semicolon and backslash; the summary is the first line only, cut.
  const auto& both = events[3];
  EXPECT_EQ(both.at("SUMMARY").rfind("Both\\, with\\; semicolons \\\\ \xF0\x9F\x9A\xB2", 0), 0u);
  EXPECT_EQ(both.at("SUMMARY").find("second line"), std::string::npos);
  EXPECT_NE(both.at("DESCRIPTION").find("\\nand a second line"), std::string::npos);
  EXPECT_EQ(both.at("STATUS"), "TENTATIVE");
  EXPECT_EQ(events[4].at("STATUS"), "CANCELLED");
  EXPECT_NE(events[0].at("DESCRIPTION").find(published_uri_), std::string::npos);
}

}  // namespace
}  // namespace roost::testing
