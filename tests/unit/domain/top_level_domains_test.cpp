#include "domain/top_level_domains.hpp"

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

TEST(TopLevelDomains, TheEmbeddedListIsTheRootZone) {
  // The root zone has had between 1,400 and 1,600 TLDs since 2016.
  EXPECT_GT(top_level_domain_count(), 1400u);
  EXPECT_LT(top_level_domain_count(), 1700u);
  for (std::string_view tld : {"com", "org", "fr", "jp", "social", "app", "dev", "xyz", "museum"})
    EXPECT_TRUE(is_top_level_domain(tld)) << tld;
  EXPECT_TRUE(is_top_level_domain("COM"));
}

TEST(TopLevelDomains, FileNamesAndAbbreviationsAreNotDomains) {
  for (std::string_view label : {"txt", "pdf", "test", "localhost", "g", "", "co.uk"})
    EXPECT_FALSE(is_top_level_domain(label)) << label;
  EXPECT_TRUE(has_known_top_level_domain("example.com"));
  EXPECT_TRUE(has_known_top_level_domain("bsky.social"));
  EXPECT_FALSE(has_known_top_level_domain("notes.txt"));
  EXPECT_FALSE(has_known_top_level_domain("e.g"));
  EXPECT_FALSE(has_known_top_level_domain("com"));
  EXPECT_FALSE(has_known_top_level_domain(".com"));
}

}  // namespace
}  // namespace roost::domain
