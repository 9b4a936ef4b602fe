#include "api/http/member_list_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace roost::api::http {
namespace {

std::shared_ptr<const std::string> text(std::string value) {
  return std::make_shared<const std::string>(std::move(value));
}

std::string found(MemberListCache& cache, const MemberListCache::Key& key, std::int64_t revision) {
  auto page = cache.find(key, revision);
  return page ? *page : "(none)";
}

TEST(MemberListCache, ServesAPageOnlyAtTheRevisionItWasRenderedAt) {
  MemberListCache cache(8, 1024);
  MemberListCache::Key key{1, 0, 50};
  EXPECT_EQ(found(cache, key, 3), "(none)");
  cache.store(key, 3, text("r3"));
  EXPECT_EQ(found(cache, key, 3), "r3");
  EXPECT_EQ(found(cache, key, 4), "(none)") << "the list changed since";
  EXPECT_EQ(found(cache, key, 2), "(none)");
  EXPECT_EQ(found(cache, {2, 0, 50}, 3), "(none)") << "another organization";
  EXPECT_EQ(found(cache, {1, 7, 50}, 3), "(none)") << "another cursor";
  EXPECT_EQ(found(cache, {1, 0, 20}, 3), "(none)") << "another page size";
  cache.store(key, 4, text("r4"));
  EXPECT_EQ(found(cache, key, 4), "r4");
  EXPECT_EQ(cache.pages(), 1u);
}

TEST(MemberListCache, AnOlderRenderingNeverReplacesANewerOne) {
  MemberListCache cache(8, 1024);
  MemberListCache::Key key{1, 0, 50};
  cache.store(key, 5, text("r5"));
  cache.store(key, 4, text("r4, finished late"));
  EXPECT_EQ(found(cache, key, 5), "r5");
  EXPECT_EQ(found(cache, key, 4), "(none)");
}

TEST(MemberListCache, EvictsTheLeastRecentlyUsedPastItsPagesOrBytes) {
  MemberListCache by_pages(2, 1024);
  by_pages.store({1, 0, 50}, 1, text("one"));
  by_pages.store({2, 0, 50}, 1, text("two"));
  EXPECT_EQ(found(by_pages, {1, 0, 50}, 1), "one");  // now the most recently used
  by_pages.store({3, 0, 50}, 1, text("three"));
  EXPECT_EQ(by_pages.pages(), 2u);
  EXPECT_EQ(found(by_pages, {2, 0, 50}, 1), "(none)");
  EXPECT_EQ(found(by_pages, {1, 0, 50}, 1), "one");
  EXPECT_EQ(found(by_pages, {3, 0, 50}, 1), "three");

  MemberListCache by_bytes(100, 10);
  by_bytes.store({1, 0, 50}, 1, text("aaaa"));
  by_bytes.store({2, 0, 50}, 1, text("bbbb"));
  by_bytes.store({3, 0, 50}, 1, text("cccc"));
  EXPECT_EQ(by_bytes.bytes(), 8u);
  EXPECT_EQ(found(by_bytes, {1, 0, 50}, 1), "(none)");
  by_bytes.store({4, 0, 50}, 1, text("far more than ten bytes"));
  EXPECT_EQ(found(by_bytes, {4, 0, 50}, 1), "(none)") << "larger than the whole cache";
  EXPECT_EQ(by_bytes.bytes(), 8u);
}

}  // namespace
}  // namespace roost::api::http
