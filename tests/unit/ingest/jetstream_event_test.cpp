// Jetstream events as its README documents them (github.com/bluesky-social/jetstream,
// README "Example events": a commit create, a delete, an identity and an account event; the
// post records are shaped as app.bsky.feed.post records are on the firehose), malformed
// messages, and other collections.
#include "ingest/jetstream_event.hpp"

#include <gtest/gtest.h>

namespace roost::ingest::jetstream {
namespace {

// A create of app.bsky.feed.post: a reply that quotes, with a mention, a link and a tag.
constexpr std::string_view post_create = R"({
  "did": "did:plc:eygmaihciaxprqvxpfvl6flk",
  "time_us": 1725911162329308,
  "kind": "commit",
  "commit": {
    "rev": "3l3qo2vutsw2b",
    "operation": "create",
    "collection": "app.bsky.feed.post",
    "rkey": "3l3qo2vuowo2b",
    "record": {
      "$type": "app.bsky.feed.post",
      "createdAt": "2024-09-09T19:46:02.102Z",
      "langs": ["en"],
      "text": "hi @alice.test see example.com #roost",
      "facets": [
        {"index": {"byteStart": 3, "byteEnd": 14},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:alice"}]},
        {"index": {"byteStart": 19, "byteEnd": 30},
         "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com"}]},
        {"index": {"byteStart": 31, "byteEnd": 37},
         "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "roost"}]}
      ],
      "tags": ["extra"],
      "reply": {
        "root": {"cid": "bafyroot", "uri": "at://did:plc:root/app.bsky.feed.post/3kroot"},
        "parent": {"cid": "bafyparent", "uri": "at://did:plc:parent/app.bsky.feed.post/3kparent"}
      },
      "embed": {
        "$type": "app.bsky.embed.recordWithMedia",
        "record": {"$type": "app.bsky.embed.record",
                   "record": {"cid": "bafyquoted", "uri": "at://did:plc:q/app.bsky.feed.post/3kq"}},
        "media": {"$type": "app.bsky.embed.images", "images": []}
      }
    },
    "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"
  }
})";

// The README's like, a delete, an identity and an account event: no post, only time_us.
constexpr std::string_view like_create =
    R"({"did":"did:plc:eygmaihciaxprqvxpfvl6flk","time_us":1725911162329308,"kind":"commit","commit":{"rev":"3l3qo2vutsw2b","operation":"create","collection":"app.bsky.feed.like","rkey":"3l3qo2vuowo2b","record":{"$type":"app.bsky.feed.like","createdAt":"2024-09-09T19:46:02.102Z","subject":{"cid":"bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4","uri":"at://did:plc:wa7b35aakoll7hugkrjtf3xf/app.bsky.feed.post/3l3pte3p2e325"}},"cid":"bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi"}})";
constexpr std::string_view post_delete =
    R"({"did":"did:plc:rfov6bpyztcnedeyyzgfq42k","time_us":1725516666833633,"kind":"commit","commit":{"rev":"3l3f6nzl3cv2s","operation":"delete","collection":"app.bsky.feed.post","rkey":"3l3dn7tku762u"}})";
constexpr std::string_view identity =
    R"({"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","time_us":1725516665234703,"kind":"identity","identity":{"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","handle":"yohenrique.bsky.social","seq":1409752997,"time":"2024-09-05T06:11:04.870Z"}})";
constexpr std::string_view account =
    R"({"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","time_us":1725516665333808,"kind":"account","account":{"active":true,"did":"did:plc:ufbl4k27gp6kzas5glhz7fim","seq":1409753013,"time":"2024-09-05T06:11:04.870Z"}})";

TEST(JetstreamEvent, ReadsAPostCreateLikeTheFirehose) {
  PostBatch batch;
  auto read = read_event(post_create, batch);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(read->time_us, 1725911162329308);
  EXPECT_TRUE(read->post_added);
  ASSERT_EQ(batch.size(), 1u);
  const auto posts = batch.views();
  const domain::IncomingPost& post = posts[0];
  EXPECT_EQ(post.uri, "at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3l3qo2vuowo2b");
  EXPECT_EQ(post.cid, "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi");
  EXPECT_EQ(post.author_did, "did:plc:eygmaihciaxprqvxpfvl6flk");
  EXPECT_EQ(post.text, "hi @alice.test see example.com #roost");
  EXPECT_EQ(post.created_at, "2024-09-09T19:46:02.102Z");
  ASSERT_EQ(post.langs.size(), 1u);
  EXPECT_EQ(post.langs[0], "en");
  ASSERT_EQ(post.mention_dids.size(), 1u);
  EXPECT_EQ(post.mention_dids[0], "did:plc:alice");
  ASSERT_EQ(post.links.size(), 1u);
  EXPECT_EQ(post.links[0], "https://example.com");
  ASSERT_EQ(post.tags.size(), 2u);
  EXPECT_EQ(post.tags[0], "roost");
  EXPECT_EQ(post.tags[1], "extra");
  EXPECT_EQ(post.reply_root_uri, "at://did:plc:root/app.bsky.feed.post/3kroot");
  EXPECT_EQ(post.reply_root_cid, "bafyroot");
  EXPECT_EQ(post.reply_parent_uri, "at://did:plc:parent/app.bsky.feed.post/3kparent");
  EXPECT_EQ(post.reply_parent_cid, "bafyparent");
  EXPECT_EQ(post.quote_uri, "at://did:plc:q/app.bsky.feed.post/3kq");
  EXPECT_EQ(post.quote_cid, "bafyquoted");
  EXPECT_EQ(post.cursor, 1725911162329308);
}

TEST(JetstreamEvent, OtherCollectionsDeletesAndRepoEventsAreOnlyTheirCursor) {
  PostBatch batch;
  for (auto [message, time_us] :
       {std::pair{like_create, 1725911162329308LL}, std::pair{post_delete, 1725516666833633LL},
        std::pair{identity, 1725516665234703LL}, std::pair{account, 1725516665333808LL}}) {
    auto read = read_event(message, batch);
    ASSERT_TRUE(read.ok()) << read.error().message << " " << message;
    EXPECT_EQ(read->time_us, time_us);
    EXPECT_FALSE(read->post_added);
  }
  EXPECT_TRUE(batch.empty());
}

TEST(JetstreamEvent, APostRecordWithoutTextIsNoPost) {
  PostBatch batch;
  auto read = read_event(
      R"({"did":"did:plc:a","time_us":5,"kind":"commit","commit":{"operation":"create",
      "collection":"app.bsky.feed.post","rkey":"3k","cid":"bafy","record":{"createdAt":"x"}}})",
      batch);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->post_added);
  EXPECT_TRUE(batch.empty());
  // Facets of a wrong shape are ignored, not fatal: records are what clients wrote.
  read = read_event(
      R"({"did":"did:plc:a","time_us":6,"kind":"commit","commit":{"operation":"create",
      "collection":"app.bsky.feed.post","rkey":"3k","cid":"bafy","record":{"text":"t",
      "createdAt":"2024-09-09T19:46:02.102Z","facets":[{"features":"no"},7],"langs":[1,"de"],
      "reply":"no","embed":{"$type":"app.bsky.embed.record","record":5}}}})",
      batch);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->post_added);
  const auto posts = batch.views();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_TRUE(posts[0].mention_dids.empty());
  ASSERT_EQ(posts[0].langs.size(), 1u);
  EXPECT_EQ(posts[0].langs[0], "de");
  EXPECT_EQ(posts[0].reply_root_uri, "");
  EXPECT_EQ(posts[0].quote_uri, "");
}

TEST(JetstreamEvent, RefusesMalformedMessages) {
  PostBatch batch;
  for (std::string_view message :
       {std::string_view("not json"), std::string_view("[1,2]"), std::string_view(R"({"did":)"),
        std::string_view(R"({"time_us":1,"kind":"commit"})"),
        std::string_view(R"({"did":"did:plc:a","kind":"commit"})"),
        std::string_view(R"({"did":"did:plc:a","time_us":"1","kind":"commit"})"),
        std::string_view(R"({"did":"did:plc:a","time_us":1})"),
        std::string_view(R"({"did":"did:plc:a","time_us":1,"kind":"commit","commit":3})"),
        std::string_view(R"({"did":"did:plc:a","time_us":1,"kind":"commit","commit":)"
                         R"({"operation":"create","collection":"app.bsky.feed.post"}})")}) {
    auto read = read_event(message, batch);
    ASSERT_FALSE(read.ok()) << message;
    EXPECT_EQ(read.error().code, core::ErrorCode::invalid_request) << message;
  }
  EXPECT_TRUE(batch.empty());
  const std::string huge = std::string(R"({"did":"did:plc:a","time_us":1,"kind":"x","pad":")") +
                           std::string(2 * 1024 * 1024, 'a') + "\"}";
  EXPECT_FALSE(read_event(huge, batch).ok());
}

}  // namespace
}  // namespace roost::ingest::jetstream
