// A batch keeps its own copies: the views it hands over survive the messages they came from,
// and a reused batch carries nothing over from the previous one.
#include "ingest/post_batch.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace roost::ingest {
namespace {

TEST(PostBatch, ViewsOwnTheirStringsAndListsPerPost) {
  PostBatch batch;
  {
    std::string text = "first";
    std::vector<std::string_view> tags = {"a", "b"};
    std::vector<std::string_view> langs = {"en"};
    domain::IncomingPost post;
    post.uri = "at://did:plc:a/app.bsky.feed.post/1";
    post.cid = "bafyfirst";
    post.author_did = "did:plc:a";
    post.text = text;
    post.tags = tags;
    post.langs = langs;
    post.reply_parent_uri = "at://did:plc:b/app.bsky.feed.post/0";
    post.cursor = 1;
    batch.add(post);
    text = "overwritten";
    tags[1] = "z";
  }
  {
    std::vector<std::string_view> mentions = {"did:plc:x"};
    std::vector<std::string_view> links = {"https://example.com"};
    domain::IncomingPost post;
    post.text = "second";
    post.mention_dids = mentions;
    post.links = links;
    post.quote_uri = "at://did:plc:q/app.bsky.feed.post/9";
    post.quote_cid = "bafyquote";
    post.cursor = 2;
    batch.add(post);
  }
  const auto views = batch.views();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].uri, "at://did:plc:a/app.bsky.feed.post/1");
  EXPECT_EQ(views[0].cid, "bafyfirst");
  EXPECT_EQ(views[0].author_did, "did:plc:a");
  EXPECT_EQ(views[0].text, "first");
  ASSERT_EQ(views[0].tags.size(), 2u);
  EXPECT_EQ(views[0].tags[1], "b");
  ASSERT_EQ(views[0].langs.size(), 1u);
  EXPECT_EQ(views[0].langs[0], "en");
  EXPECT_TRUE(views[0].mention_dids.empty());
  EXPECT_EQ(views[0].reply_parent_uri, "at://did:plc:b/app.bsky.feed.post/0");
  EXPECT_TRUE(views[0].quote_uri.empty());
  EXPECT_EQ(views[0].cursor, 1);
  ASSERT_EQ(views[1].mention_dids.size(), 1u);
  EXPECT_EQ(views[1].mention_dids[0], "did:plc:x");
  ASSERT_EQ(views[1].links.size(), 1u);
  EXPECT_EQ(views[1].links[0], "https://example.com");
  EXPECT_TRUE(views[1].tags.empty());
  EXPECT_TRUE(views[1].langs.empty());
  EXPECT_EQ(views[1].quote_uri, "at://did:plc:q/app.bsky.feed.post/9");
  EXPECT_EQ(views[1].quote_cid, "bafyquote");
  EXPECT_TRUE(views[1].reply_parent_uri.empty());
  EXPECT_EQ(views[1].cursor, 2);

  batch.clear();
  EXPECT_TRUE(batch.empty());
  domain::IncomingPost plain;
  plain.text = "again";
  batch.add(plain);
  const auto reused = batch.views();
  ASSERT_EQ(reused.size(), 1u);
  EXPECT_EQ(reused[0].text, "again");
  EXPECT_TRUE(reused[0].tags.empty());
  EXPECT_TRUE(reused[0].uri.empty());
  EXPECT_EQ(reused[0].cursor, 0);
  EXPECT_EQ(record_uri("did:plc:a", "app.bsky.feed.post", "3k"),
            "at://did:plc:a/app.bsky.feed.post/3k");
}

// A replayed post dropped again takes its strings and list items with it; the posts before
// it keep theirs, and the next post starts where it started.
TEST(PostBatch, PopBackDropsTheLastPostOnly) {
  PostBatch batch;
  std::vector<std::string_view> first_tags = {"kept"};
  std::vector<std::string_view> dropped_tags = {"gone", "gone too"};
  domain::IncomingPost post;
  post.text = "kept";
  post.tags = first_tags;
  batch.add(post);
  post.text = "dropped";
  post.tags = dropped_tags;
  batch.add(post);
  batch.pop_back();
  ASSERT_EQ(batch.size(), 1u);
  std::vector<std::string_view> next_tags = {"next"};
  post.text = "next";
  post.tags = next_tags;
  batch.add(post);
  const auto views = batch.views();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].text, "kept");
  ASSERT_EQ(views[0].tags.size(), 1u);
  EXPECT_EQ(views[0].tags[0], "kept");
  EXPECT_EQ(views[1].text, "next");
  ASSERT_EQ(views[1].tags.size(), 1u);
  EXPECT_EQ(views[1].tags[0], "next");
  batch.pop_back();
  batch.pop_back();
  batch.pop_back();  // on an empty batch: nothing
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(batch.views().empty());
}

// The batch's strings share one buffer that grows as posts come: views are taken after the
// last post, so a post kept before the buffer moved reads right.
TEST(PostBatch, ManyPostsReadBackWhateverTheBufferGrewTo) {
  PostBatch batch;
  std::vector<std::string> texts;
  for (int index = 0; index < 2000; ++index) {
    texts.push_back("post " + std::to_string(index) + std::string(index % 97, 'x'));
  }
  for (std::size_t index = 0; index < texts.size(); ++index) {
    const std::string tag = "t" + std::to_string(index);
    const std::vector<std::string_view> tags = {tag};
    domain::IncomingPost post;
    post.text = texts[index];
    post.tags = tags;
    post.cursor = static_cast<std::int64_t>(index);
    batch.add(post);
  }
  const auto views = batch.views();
  ASSERT_EQ(views.size(), texts.size());
  for (std::size_t index = 0; index < texts.size(); ++index) {
    ASSERT_EQ(views[index].text, texts[index]);
    ASSERT_EQ(views[index].tags.size(), 1u);
    ASSERT_EQ(views[index].tags[0], "t" + std::to_string(index));
    ASSERT_EQ(views[index].cursor, static_cast<std::int64_t>(index));
  }
}

TEST(PostBatch, AFirehosePostCarriesItsUriCidStringAuthorAndCursor) {
  const Cid cid = compute_cid(CidCodec::dag_cbor, std::vector<std::uint8_t>{0xa0});
  firehose::CommitEvent commit;
  commit.seq = 7;
  commit.repo = "did:plc:a";
  firehose::RecordOp op;
  op.collection = "app.bsky.feed.post";
  op.rkey = "3k";
  op.cid = cid;
  op.record = firehose::RecordStatus::post;
  op.post.text = "hello";
  op.post.langs = {"en"};
  op.post.tags = {"news"};
  op.post.reply_root_uri = "at://did:plc:r/app.bsky.feed.post/1";
  PostBatch batch;
  // Twice, the second time into the buffer the first one warmed.
  for (int round = 0; round < 2; ++round) {
    batch.clear();
    batch.add_firehose_post(commit, op);
    const auto views = batch.views();
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].uri, "at://did:plc:a/app.bsky.feed.post/3k");
    EXPECT_EQ(views[0].cid, to_string(cid));
    EXPECT_EQ(views[0].author_did, "did:plc:a");
    EXPECT_EQ(views[0].text, "hello");
    ASSERT_EQ(views[0].langs.size(), 1u);
    EXPECT_EQ(views[0].langs[0], "en");
    ASSERT_EQ(views[0].tags.size(), 1u);
    EXPECT_EQ(views[0].tags[0], "news");
    EXPECT_EQ(views[0].reply_root_uri, "at://did:plc:r/app.bsky.feed.post/1");
    EXPECT_EQ(views[0].cursor, 7);
  }
}

}  // namespace
}  // namespace roost::ingest
