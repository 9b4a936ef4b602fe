// Organization logos, the plan and usage in the organization's JSON, and the audit log
// API, through the real binary: uploads sniffed and bounded, served to members with an
// ETag, the audit log's filters, cursor and CSV export, 403 for members, 404 for others.
#include "org_scenario_test.hpp"

namespace roost::testing {
namespace {

constexpr std::size_t logo_bytes_max = 2 * 1024 * 1024;

std::string png_of_size(std::size_t size) {
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  bytes.resize(size, '\x01');
  return bytes;
}

const std::string jpeg_bytes("\xff\xd8\xff\xe0\0\x10JFIF\0\x01", 12);

class OrgLogoAuditTest : public OrgScenarioTest {
 protected:
  HttpResponse upload(const User& user, std::int64_t org, const std::string& bytes,
                      const std::string& content_type = "image/png") {
    return http_request(server_.port(), "PUT", org_path(org) + "/logo", bytes,
                        {{"Cookie", "roost_session=" + user.token},
                         {"X-CSRF-Token", user.csrf},
                         {"Content-Type", content_type}});
  }

  HttpResponse get_logo(const User& user, std::int64_t org,
                        std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = "roost_session=" + user.token;
    return http_request(server_.port(), "GET", org_path(org) + "/logo", {}, headers);
  }

  HttpResponse audit(const User& user, std::int64_t org, const std::string& query = {},
                     std::map<std::string, std::string> headers = {}) {
    headers["Cookie"] = "roost_session=" + user.token;
    return http_request(server_.port(), "GET", org_path(org) + "/audit" + query, {}, headers);
  }

  static std::vector<std::string> actions_of(const HttpResponse& response) {
    std::vector<std::string> actions;
    auto body = response.json();  // kept: a loop over a member of a temporary would dangle
    for (const auto& event : body["events"]) actions.push_back(event["action"]);
    return actions;
  }
};

TEST_F(OrgLogoAuditTest, OrganizationShowsPlanUsageAndLogoUrl) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Acme");
  auto created = as(ada, "GET", org_path(org)).json();
  EXPECT_EQ(created["plan"], (nlohmann::json{{"profile_limit", 10}, {"seat_limit", 25}}));
  EXPECT_EQ(created["usage"], (nlohmann::json{{"seats_used", 1}}));
  EXPECT_TRUE(created["logo_url"].is_null());
  add_member(org, grace, domain::OrgRole::member);
  ASSERT_EQ(upload(ada, org, png_of_size(100)).status, 200);
  auto read = as(grace, "GET", org_path(org)).json();
  EXPECT_EQ(read["usage"]["seats_used"], 2);
  EXPECT_EQ(read["logo_url"], org_path(org) + "/logo");
  auto listed = as(grace, "GET", "/api/v1/orgs").json()["organizations"][0];
  EXPECT_EQ(listed["usage"]["seats_used"], 2);
  EXPECT_EQ(listed["logo_url"], org_path(org) + "/logo");
  // The plan is the operator's: the API does not change it.
  auto patched =
      as(ada, "PATCH", org_path(org), {{"name", "Acme"}, {"plan", {{"seat_limit", 1000}}}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(as(ada, "GET", org_path(org)).json()["plan"]["seat_limit"], 25);
}

TEST_F(OrgLogoAuditTest, LogoIsUploadedServedWithAnEtagReplacedAndDeleted) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Acme");
  add_member(org, grace, domain::OrgRole::member);
  EXPECT_EQ(get_logo(grace, org).status, 404);

  auto png = png_of_size(1000);
  // The client's Content-Type is not what decides.
  auto stored = upload(ada, org, png, "application/octet-stream");
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.json()["media_type"], "image/png");
  EXPECT_EQ(stored.json()["bytes"], 1000);
  const std::string etag = stored.json()["etag"];
  EXPECT_EQ(stored.header("etag"), etag);

  auto served = get_logo(grace, org);
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(served.body, png);
  EXPECT_EQ(served.header("content-type"), "image/png");
  EXPECT_EQ(served.header("etag"), etag);
  EXPECT_EQ(served.header("x-content-type-options"), "nosniff");
  EXPECT_NE(served.header("cache-control").find("private"), std::string::npos);

  auto unchanged = get_logo(grace, org, {{"If-None-Match", etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_TRUE(unchanged.body.empty());
  EXPECT_EQ(unchanged.header("etag"), etag);
  EXPECT_EQ(get_logo(grace, org, {{"If-None-Match", "\"stale\""}}).status, 200);

  auto replaced = upload(ada, org, jpeg_bytes, "image/png");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json()["media_type"], "image/jpeg");
  EXPECT_NE(replaced.json()["etag"], etag);
  auto served_jpeg = get_logo(grace, org, {{"If-None-Match", etag}});
  EXPECT_EQ(served_jpeg.status, 200);
  EXPECT_EQ(served_jpeg.header("content-type"), "image/jpeg");
  EXPECT_EQ(served_jpeg.body, jpeg_bytes);

  auto webp = std::string("RIFF\x24\0\0\0WEBPVP8 ", 16) + std::string(20, '\0');
  auto stored_webp = upload(ada, org, webp, "image/webp");
  ASSERT_EQ(stored_webp.status, 200) << stored_webp.body;
  EXPECT_EQ(get_logo(grace, org).header("content-type"), "image/webp");

  EXPECT_EQ(as(ada, "DELETE", org_path(org) + "/logo").status, 204);
  EXPECT_EQ(get_logo(grace, org).status, 404);
  EXPECT_TRUE(as(ada, "GET", org_path(org)).json()["logo_url"].is_null());
  EXPECT_EQ(as(ada, "DELETE", org_path(org) + "/logo").status, 404);

  auto events = audit_of(org);
  std::vector<std::string> actions;
  for (const auto& event : events) actions.push_back(event.event.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"org.created", "member.added", "org.logo_set", "org.logo_set",
                                      "org.logo_set", "org.logo_removed"}));
  EXPECT_EQ(events[2].event.request_id, stored.header("x-request-id"));
  EXPECT_EQ(events[2].event.actor, core::UserId{ada.id});
}

TEST_F(OrgLogoAuditTest, LogoMustBeAnImageOfAtMostTwoMebibytes) {
  auto ada = sign_up("ada@example.com");
  auto org = create_org(ada, "Acme");
  // A text file renamed logo.png, sent as image/png.
  auto text = upload(ada, org, "hello, I am a text file named logo.png\n", "image/png");
  EXPECT_EQ(text.status, 415) << text.body;
  EXPECT_EQ(text.json()["error"]["code"], "unsupported_media_type");
  auto empty = upload(ada, org, "", "image/png");
  EXPECT_EQ(empty.status, 415) << empty.body;
  auto svg = upload(ada, org, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml");
  EXPECT_EQ(svg.status, 415) << svg.body;

  // Exactly the limit passes, though the server's general body limit is 1 MiB.
  auto largest = upload(ada, org, png_of_size(logo_bytes_max));
  EXPECT_EQ(largest.status, 200) << largest.body;
  EXPECT_EQ(get_logo(ada, org).body.size(), logo_bytes_max);

  // One byte more is refused as soon as the headers announce it.
  RawClient client(server_.port());
  client.send("PUT " + org_path(org) +
              "/logo HTTP/1.1\r\nHost: x\r\nCookie: roost_session=" + ada.token +
              "\r\nX-CSRF-Token: " + ada.csrf + "\r\nContent-Type: image/png\r\nContent-Length: " +
              std::to_string(logo_bytes_max + 1) + "\r\n\r\n" + png_of_size(1024));
  auto too_large = client.read_response();
  ASSERT_TRUE(too_large);
  EXPECT_EQ(too_large->status, 413);
  EXPECT_EQ(too_large->json()["error"]["code"], "payload_too_large");

  // Other routes keep the general limit.
  RawClient other(server_.port());
  other.send(
      "PATCH " + org_path(org) + " HTTP/1.1\r\nHost: x\r\nCookie: roost_session=" + ada.token +
      "\r\nX-CSRF-Token: " + ada.csrf + "\r\nContent-Type: application/json\r\nContent-Length: " +
      std::to_string(logo_bytes_max) + "\r\n\r\n");
  auto general = other.read_response();
  ASSERT_TRUE(general);
  EXPECT_EQ(general->status, 413);
  EXPECT_EQ(get_logo(ada, org).body.size(), logo_bytes_max);  // still the last good one
}

TEST_F(OrgLogoAuditTest, LogoPermissions) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto alan = sign_up("alan@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Acme");
  auto other = create_org(linus, "Globex");
  add_member(org, grace, domain::OrgRole::member);
  add_member(org, alan, domain::OrgRole::admin);
  ASSERT_EQ(upload(ada, org, png_of_size(64)).status, 200);

  auto denied = upload(grace, org, png_of_size(64));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(error_message(denied).find("manage_org_logo"), std::string::npos) << denied.body;
  EXPECT_EQ(as(grace, "DELETE", org_path(org) + "/logo").status, 403);
  EXPECT_EQ(upload(alan, org, png_of_size(65)).status, 200);

  // Another organization's logo does not exist for an outsider, whatever they try.
  EXPECT_EQ(get_logo(linus, org).status, 404);
  EXPECT_EQ(upload(linus, org, png_of_size(64)).status, 404);
  EXPECT_EQ(as(linus, "DELETE", org_path(org) + "/logo").status, 404);
  EXPECT_EQ(get_logo(ada, other).status, 404);
  EXPECT_EQ(upload(ada, other, png_of_size(64)).status, 404);
  EXPECT_EQ(get_logo(ada, org).body.size(), 65u);

  // Without the CSRF token a cookie cannot change it.
  auto no_csrf = http_request(server_.port(), "PUT", org_path(org) + "/logo", png_of_size(64),
                              {{"Cookie", "roost_session=" + ada.token}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(http_request(server_.port(), "GET", org_path(org) + "/logo").status, 401);
}

TEST_F(OrgLogoAuditTest, AuditLogFiltersAndPagesNewestFirst) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto org = create_org(ada, "Acme");
  add_member(org, grace, domain::OrgRole::member);
  auto renamed = as(ada, "PATCH", org_path(org), {{"name", "Acme Bikes"}});
  ASSERT_EQ(renamed.status, 200);
  ASSERT_EQ(as(ada, "PATCH", member_path(org, grace), {{"role", "admin"}}).status, 200);
  ASSERT_EQ(as(grace, "PATCH", org_path(org), {{"name", "Acme Cycles"}}).status, 200);

  auto all = audit(ada, org);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(actions_of(all),
            (std::vector<std::string>{"org.renamed", "member.role_changed", "org.renamed",
                                      "member.added", "org.created"}));
  EXPECT_TRUE(all.json()["next_cursor"].is_null());
  auto first = all.json()["events"][2];
  EXPECT_EQ(first["actor"]["id"], ada.id);
  EXPECT_EQ(first["actor"]["email"], "ada@example.com");
  EXPECT_EQ(first["actor"]["display_name"], "ada@example.com");
  EXPECT_EQ(first["target"], "org:" + std::to_string(org));
  EXPECT_EQ(first["details"], (nlohmann::json{{"from", "Acme"}, {"to", "Acme Bikes"}}));
  EXPECT_EQ(first["request_id"], renamed.header("x-request-id"));
  EXPECT_TRUE(first["time"].get<std::string>().ends_with("Z"));
  EXPECT_GT(first["time_ms"].get<std::int64_t>(), 0);
  EXPECT_TRUE(all.json()["events"][3]["actor"].is_null());  // added in storage: no actor

  EXPECT_EQ(actions_of(audit(ada, org, "?actor=" + std::to_string(grace.id))),
            (std::vector<std::string>{"org.renamed"}));
  EXPECT_EQ(actions_of(audit(ada, org, "?action=member.*")),
            (std::vector<std::string>{"member.role_changed", "member.added"}));
  EXPECT_EQ(actions_of(audit(ada, org, "?action=org.renamed&actor=" + std::to_string(ada.id))),
            (std::vector<std::string>{"org.renamed"}));
  const std::int64_t renamed_ms = first["time_ms"];
  EXPECT_EQ(actions_of(audit(ada, org,
                             "?action=org.renamed&since=" + std::to_string(renamed_ms) +
                                 "&until=" + std::to_string(renamed_ms + 1))),
            (std::vector<std::string>{"org.renamed"}));
  EXPECT_TRUE(actions_of(audit(ada, org, "?since=2999-01-01T00:00:00Z")).empty());
  // The fixture adds members in storage with a time of 1 ms after the epoch.
  EXPECT_EQ(actions_of(audit(ada, org, "?until=2000-01-01T00:00:00%2B01:00")),
            (std::vector<std::string>{"member.added"}));
  EXPECT_EQ(actions_of(audit(ada, org, "?since=2000-01-01T00:00:00.000Z")).size(), 4u);

  // A page at a time, through the cursor, nothing missed or repeated.
  std::vector<std::string> paged;
  std::string query = "?limit=2";
  for (int page = 0; page < 5; ++page) {
    auto response = audit(grace, org, query);
    ASSERT_EQ(response.status, 200) << response.body;
    for (const auto& action : actions_of(response)) paged.push_back(action);
    if (response.json()["next_cursor"].is_null()) break;
    query = "?limit=2&cursor=" + response.json()["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(paged, actions_of(all));

  for (const auto& bad : {"?since=yesterday", "?until=2026-13-01T00:00:00Z", "?actor=ada",
                          "?limit=0", "?limit=201", "?cursor=x", "?format=xml"}) {
    auto refused = audit(ada, org, bad);
    EXPECT_EQ(refused.status, 422) << bad << " " << refused.body;
  }
}

TEST_F(OrgLogoAuditTest, AuditLogIsForOwnersAndAdminsOfTheOrganization) {
  auto ada = sign_up("ada@example.com");
  auto grace = sign_up("grace@example.com");
  auto linus = sign_up("linus@example.com");
  auto org = create_org(ada, "Acme");
  auto other = create_org(linus, "Globex");
  add_member(org, grace, domain::OrgRole::member);
  auto denied = audit(grace, org);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(error_message(denied).find("view_audit_log"), std::string::npos) << denied.body;
  EXPECT_EQ(audit(grace, org, "?format=csv").status, 403);
  EXPECT_EQ(audit(linus, org).status, 404);
  EXPECT_EQ(audit(linus, org, "?format=csv").status, 404);
  EXPECT_EQ(audit(ada, other).status, 404);
  EXPECT_EQ(audit(ada, 999'999).status, 404);
  auto own = audit(linus, other);
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(actions_of(own), (std::vector<std::string>{"org.created"}));  // nothing of Acme
}

TEST_F(OrgLogoAuditTest, AuditCsvExportQuotesAndDefusesFormulas) {
  auto created = request("POST", "/api/v1/accounts",
                         nlohmann::json{{"email", "eve@example.com"},
                                        {"display_name", "=HYPERLINK(\"http://x\",\"a, b\")"},
                                        {"password", password}}
                             .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  auto login = request("POST", "/api/v1/sessions",
                       nlohmann::json{{"email", "eve@example.com"}, {"password", password}}.dump());
  ASSERT_EQ(login.status, 201);
  auto cookie = login.header("set-cookie");
  User eve{cookie.substr(14, cookie.find(';') - 14), login.json()["csrf_token"],
           login.json()["user"]["id"], "eve@example.com"};
  auto org = create_org(eve, "Acme");
  ASSERT_EQ(as(eve, "PATCH", org_path(org), {{"name", "-Acme"}}).status, 200);

  auto csv = audit(eve, org, "?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  auto disposition = csv.header("content-disposition");
  EXPECT_TRUE(disposition.starts_with("attachment; filename=\"audit-" + std::to_string(org) + "-"))
      << disposition;
  EXPECT_TRUE(disposition.ends_with(".csv\"")) << disposition;
  EXPECT_TRUE(csv.header("x-roost-export-truncated").empty());

  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = csv.body.find("\r\n"); end != std::string::npos;
       start = end + 2, end = csv.body.find("\r\n", start)) {
    lines.push_back(csv.body.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 3u) << csv.body;
  EXPECT_EQ(lines[0],
            "id,time,time_ms,actor_id,actor_email,actor_display_name,action,target,details,"
            "request_id");
  // Newest first: the rename. The display name is defused and quoted; the JSON details
  // are quoted with their quotes doubled.
  EXPECT_NE(lines[1].find(",eve@example.com,\"'=HYPERLINK(\"\"http://x\"\",\"\"a, b\"\")\","
                          "org.renamed,org:" +
                          std::to_string(org) +
                          ",\"{\"\"from\"\":\"\"Acme\"\",\"\"to\"\":\"\"-Acme\"\"}\""),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[2].find(",org.created,"), std::string::npos) << lines[2];

  // Accept: text/csv does the same, with the filters.
  auto accepted = audit(eve, org, "?action=org.created", {{"Accept", "text/csv"}});
  ASSERT_EQ(accepted.status, 200);
  EXPECT_EQ(accepted.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(std::count(accepted.body.begin(), accepted.body.end(), '\n'), 2);
  // format=json wins over Accept.
  EXPECT_EQ(audit(eve, org, "?format=json", {{"Accept", "text/csv"}}).header("content-type"),
            "application/json");
}

}  // namespace
}  // namespace roost::testing
