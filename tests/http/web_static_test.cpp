// The web UI served by `roost serve --web-root`, through the real binary: files with
// their content types, the single-page app's fallback to index.html, cache headers
// (immutable hashed assets, revalidated index.html), ETags and 304, and no way out of
// the web root.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../support/raw_client.hpp"
#include "../support/roost_process.hpp"

namespace roost::testing {
namespace {

const std::string index_html = "<!doctype html><title>Roost</title><div id=root></div>";
const std::string app_js = "console.log('roost');";
const std::string secret = "TOP-SECRET-OUTSIDE-THE-WEB-ROOT";

void write_file(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << contents;
}

class WebStaticTest : public ::testing::Test {
 protected:
  static std::filesystem::path make_site() {
    auto base = make_temp_directory("roost-web-test");
    write_file(base / "secret.txt", secret);
    write_file(base / "dist" / "index.html", index_html);
    write_file(base / "dist" / "assets" / "index-Ab12Cd34.js", app_js);
    write_file(base / "dist" / "assets" / "index-Ab12Cd34.css", "body{}");
    write_file(base / "dist" / "favicon.svg", "<svg/>");
    write_file(base / "dist" / ".env", secret);
    return base;
  }

  void TearDown() override { std::filesystem::remove_all(base_); }

  HttpResponse get(const std::string& target,
                   const std::map<std::string, std::string>& headers = {}) {
    return http_request(server_.port(), "GET", target, {}, headers);
  }

  std::filesystem::path base_ = make_site();
  RoostServer server_{{"--web-root", (base_ / "dist").string()}};
};

TEST_F(WebStaticTest, ServesIndexAtTheRootRevalidatedEveryTime) {
  auto response = get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, index_html);
  EXPECT_EQ(response.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(response.header("cache-control"), "no-cache");
  EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
  EXPECT_FALSE(response.header("etag").empty());
}

TEST_F(WebStaticTest, ClientSideRoutesFallBackToIndex) {
  for (const std::string path : {"/login", "/orgs/12/members", "/orgs/12/members/",
                                 "/orgs/12/teams/3", "/invitations/abc?x=1"}) {
    auto response = get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, index_html) << path;
    EXPECT_EQ(response.header("cache-control"), "no-cache") << path;
  }
}

TEST_F(WebStaticTest, HashedAssetsAreImmutableForAYearWithTheirContentType) {
  auto script = get("/assets/index-Ab12Cd34.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, app_js);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.header("cache-control"), "public, max-age=31536000, immutable");
  auto style = get("/assets/index-Ab12Cd34.css");
  EXPECT_EQ(style.header("content-type"), "text/css; charset=utf-8");
  auto icon = get("/favicon.svg");
  EXPECT_EQ(icon.header("content-type"), "image/svg+xml");
  EXPECT_EQ(icon.header("cache-control"), "no-cache");
}

TEST_F(WebStaticTest, AMissingFileIsA404NotTheApp) {
  auto response = get("/assets/index-gone.js");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.json()["error"]["code"], "not_found");
}

TEST_F(WebStaticTest, AnExtensionlessPathUnderAssetsFallsBackToARevalidatedIndex) {
  // Cached as immutable, the app's index would outlive the next release under this URL.
  for (const std::string path : {"/assets/foo", "/assets/nested/route/"}) {
    auto response = get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, index_html) << path;
    EXPECT_EQ(response.header("content-type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(response.header("cache-control"), "no-cache") << path;
    EXPECT_EQ(response.header("cache-control").find("immutable"), std::string::npos) << path;
  }
}

TEST_F(WebStaticTest, ApiPathsNeverFallBackToTheApp) {
  auto response = get("/api/v1/no-such-route");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.json()["error"]["code"], "not_found");
  EXPECT_EQ(get("/api/v1/me").status, 401);
}

TEST_F(WebStaticTest, AMatchingEtagIsA304WithoutBody) {
  auto first = get("/assets/index-Ab12Cd34.js");
  auto etag = first.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = get("/assets/index-Ab12Cd34.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), etag);
  auto weak = get("/assets/index-Ab12Cd34.js", {{"If-None-Match", "\"other\", W/" + etag}});
  EXPECT_EQ(weak.status, 304);
  auto stale = get("/assets/index-Ab12Cd34.js", {{"If-None-Match", "\"other\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, app_js);
  EXPECT_NE(get("/").header("etag"), etag);
}

TEST_F(WebStaticTest, HeadHasTheHeadersAndNoBody) {
  RawClient client(server_.port());
  client.send("HEAD /assets/index-Ab12Cd34.js HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = client.read_response(std::chrono::seconds(10), true);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-length"), std::to_string(app_js.size()));
  EXPECT_TRUE(response->body.empty());
}

TEST_F(WebStaticTest, NoPathLeavesTheWebRoot) {
  auto absolute_secret = (base_ / "secret.txt").string();
  std::vector<std::string> targets{"/../secret.txt",
                                   "/assets/../../secret.txt",
                                   "/./../secret.txt",
                                   "/..%2fsecret.txt",
                                   "/%2e%2e/secret.txt",
                                   "/assets/..\\..\\secret.txt",
                                   "/" + absolute_secret,
                                   "//" + absolute_secret,
                                   "/.env",
                                   "/assets/.%2e/.%2e/secret.txt",
                                   "/C:/secret.txt"};
  for (const auto& target : targets) {
    auto response = get(target);
    EXPECT_EQ(response.body.find(secret), std::string::npos) << target;
    EXPECT_TRUE(response.status == 404 || response.status == 400 ||
                (response.status == 200 && response.body == index_html))
        << target << " answered " << response.status;
  }
  EXPECT_EQ(get("/" + absolute_secret).status, 404);
  EXPECT_EQ(get("/../secret.txt").status, 404);
}

TEST(WebStaticDisabledTest, WithoutAWebRootTheRootIsA404) {
  RoostServer server;
  EXPECT_EQ(http_request(server.port(), "GET", "/").status, 404);
  EXPECT_EQ(http_request(server.port(), "GET", "/orgs/1/members").status, 404);
}

}  // namespace
}  // namespace roost::testing
