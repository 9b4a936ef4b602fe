// The mapping from a URL path to a file under the web root (pure: no disk), and the
// If-None-Match comparison shared by the static files and the logos.
#include <gtest/gtest.h>

#include "api/http/etag.hpp"
#include "api/http/static_files.hpp"

namespace roost::api::http {
namespace {

TEST(StaticFilesPathTest, MapsPathsUnderTheRoot) {
  EXPECT_EQ(StaticFiles::relative_path_of("/"), std::filesystem::path("index.html"));
  EXPECT_EQ(StaticFiles::relative_path_of("/assets/index-Ab12.js"),
            std::filesystem::path("assets/index-Ab12.js"));
  EXPECT_EQ(StaticFiles::relative_path_of("/orgs/3/members"),
            std::filesystem::path("orgs/3/members"));
  EXPECT_EQ(StaticFiles::relative_path_of("/a..b.js"), std::filesystem::path("a..b.js"));
  EXPECT_EQ(StaticFiles::relative_path_of("/orgs/3/"), std::filesystem::path("orgs/3"));
}

TEST(StaticFilesPathTest, RefusesWhatCouldLeaveTheRootOrNameAHiddenFile) {
  for (std::string_view path : {"", "relative", "/..", "/../etc/passwd", "/assets/../../secret",
                                "//etc/passwd", "/assets//x.js", "/./index.html", "/.env",
                                "/assets/.git/config", "/a\\..\\b", "/C:/windows"}) {
    EXPECT_FALSE(StaticFiles::relative_path_of(path).has_value()) << path;
  }
  EXPECT_FALSE(StaticFiles::relative_path_of(std::string_view("/a\0b", 4)).has_value());
}

TEST(IfNoneMatchTest, ComparesWeaklyInAList) {
  EXPECT_TRUE(if_none_match_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_matches("*", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_matches(std::nullopt, "\"abc\""));
  EXPECT_FALSE(if_none_match_matches("", "\"abc\""));
}

}  // namespace
}  // namespace roost::api::http
