// A batch keeps its own copies: the views it hands over survive the messages they came from,
// and a reused batch carries nothing over from the previous one.
#include "ingest/post_batch.hpp"

#include <gtest/gtest.h>

namespace roost::ingest {
namespace {

TEST(PostBatch, ViewsOwnTheirStringsAndListsPerPost) {
  PostBatch batch;
  {
    std::string transient = "first";
    OwnedPost& first = batch.add();
    first.text = transient;
    first.tags = {"a", "b"};
    first.langs = {"en"};
    first.cursor = 1;
    transient = "overwritten";
  }
  OwnedPost& second = batch.add();
  second.text = "second";
  second.mention_dids = {"did:plc:x"};
  second.cursor = 2;
  const auto views = batch.views();
  ASSERT_EQ(views.size(), 2u);
  EXPECT_EQ(views[0].text, "first");
  ASSERT_EQ(views[0].tags.size(), 2u);
  EXPECT_EQ(views[0].tags[1], "b");
  EXPECT_TRUE(views[0].mention_dids.empty());
  ASSERT_EQ(views[1].mention_dids.size(), 1u);
  EXPECT_EQ(views[1].mention_dids[0], "did:plc:x");
  EXPECT_TRUE(views[1].tags.empty());
  EXPECT_EQ(views[1].cursor, 2);

  batch.clear();
  OwnedPost& reused = batch.add();
  EXPECT_TRUE(reused.text.empty());
  EXPECT_TRUE(reused.tags.empty());
  EXPECT_EQ(reused.cursor, 0);
  batch.pop_back();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(record_uri("did:plc:a", "app.bsky.feed.post", "3k"),
            "at://did:plc:a/app.bsky.feed.post/3k");
}

TEST(PostBatch, AFirehosePostCarriesItsUriCidStringAndCursor) {
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
  PostBatch batch;
  // Twice into the same slot: the CID string is written into the reused buffer.
  for (int round = 0; round < 2; ++round) {
    batch.clear();
    batch.add_firehose_post(commit, op);
    const auto views = batch.views();
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].uri, "at://did:plc:a/app.bsky.feed.post/3k");
    EXPECT_EQ(views[0].cid, to_string(cid));
    EXPECT_EQ(views[0].text, "hello");
    EXPECT_EQ(views[0].cursor, 7);
  }
}

}  // namespace
}  // namespace roost::ingest
