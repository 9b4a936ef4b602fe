// Firehose frames: the reference implementation's frames, frames built here for every
// malformed path, truncation at every byte, and a throughput loop (disabled by default).
#include "ingest/firehose_frame.hpp"

#include <cstdio>
#include <ctime>

#include <gtest/gtest.h>

#include "core/limits.hpp"
#include "fixtures.hpp"

namespace roost::ingest::firehose {
namespace {

using test::Bytes;

const std::string did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";

Bytes header(std::string_view type) {
  return test::map({{"op", test::integer(1)}, {"t", test::text(type)}});
}

Bytes post_record(std::string_view text, test::Entries extra = {}) {
  extra.emplace_back("$type", test::text("app.bsky.feed.post"));
  extra.emplace_back("text", test::text(text));
  extra.emplace_back("createdAt", test::text("2026-12-04T09:30:00.000Z"));
  return test::map(std::move(extra));
}

Bytes op(std::string_view action, std::string_view path, const Bytes& cid) {
  return test::map({{"action", test::text(action)}, {"path", test::text(path)}, {"cid", cid}});
}

// A #commit frame holding `blocks` and `ops`; `changes` replace or add body fields.
Bytes commit_frame(const std::vector<test::Block>& blocks, const std::vector<Bytes>& ops,
                   test::Entries changes = {}) {
  const test::Block commit = test::block(test::map({{"did", test::text(did)}}));
  std::vector<test::Block> all = {commit};
  all.insert(all.end(), blocks.begin(), blocks.end());
  test::Entries body = {
      {"seq", test::integer(42)},
      {"rebase", test::boolean(false)},
      {"tooBig", test::boolean(false)},
      {"repo", test::text(did)},
      {"commit", test::link(commit.cid)},
      {"rev", test::text("3kb")},
      {"since", test::text("3ka")},
      {"blocks", test::bytes(test::car({commit.cid}, all))},
      {"ops", test::array_of(ops)},
      {"blobs", test::array({})},
      {"time", test::text("2026-12-04T09:30:02.000Z")},
  };
  for (auto& change : changes) {
    std::erase_if(body, [&](const auto& entry) { return entry.first == change.first; });
    if (!change.second.empty()) body.push_back(std::move(change));
  }
  return test::concat({header("#commit"), test::map(std::move(body))});
}

void expect_refused(const Bytes& message, std::string_view says) {
  FrameDecoder decoder;
  Frame frame;
  auto decoded = decoder.decode(message, frame);
  ASSERT_FALSE(decoded.ok()) << says;
  EXPECT_EQ(decoded.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(decoded.error().message.find(says), std::string::npos) << decoded.error().message;
}

TEST(FirehoseFrame, DecodesTheReferenceCommitWithAPostAndALike) {
  const Bytes message = test::read_fixture("commit_two_ops.hex");
  FrameDecoder decoder;
  Frame frame;
  auto decoded = decoder.decode(message, frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(frame.type, EventType::commit);
  EXPECT_EQ(frame.type_name, "#commit");
  EXPECT_EQ(frame.seq(), 123456789);
  const CommitEvent& commit = frame.commit;
  EXPECT_EQ(commit.repo, did);
  EXPECT_EQ(commit.rev, "3kcommit2");
  EXPECT_EQ(commit.since, "3kcommit1");
  EXPECT_EQ(commit.time, "2026-12-04T09:30:02.000Z");
  EXPECT_FALSE(commit.too_big);
  ASSERT_EQ(commit.ops.size(), 2u);

  const RecordOp& post_op = commit.ops[0];
  EXPECT_EQ(post_op.action, OpAction::create);
  EXPECT_EQ(post_op.collection, "app.bsky.feed.post");
  EXPECT_EQ(post_op.rkey, "3kpost");
  ASSERT_TRUE(post_op.cid);
  EXPECT_EQ(to_string(*post_op.cid), test::fixture_cid("post"));
  ASSERT_EQ(post_op.record, RecordStatus::post);
  const Post& post = post_op.post;
  EXPECT_EQ(post.text, "Hello @alice.test see https://example.com #roost");
  EXPECT_EQ(post.created_at, "2026-12-04T09:30:00.000Z");
  EXPECT_EQ(post.langs, (std::vector<std::string_view>{"en", "fr"}));
  EXPECT_EQ(post.mention_dids, std::vector<std::string_view>{"did:plc:alice000000000000000000"});
  EXPECT_EQ(post.links, std::vector<std::string_view>{"https://example.com"});
  EXPECT_EQ(post.tags, (std::vector<std::string_view>{"roost", "extra"}));
  EXPECT_EQ(post.reply_root_uri, "at://did:plc:root/app.bsky.feed.post/3kroot");
  EXPECT_EQ(post.reply_parent_uri, "at://did:plc:parent/app.bsky.feed.post/3kparent");
  EXPECT_EQ(post.quote_uri, "at://did:plc:quoted/app.bsky.feed.post/3kquoted");

  const RecordOp& like_op = commit.ops[1];
  EXPECT_EQ(like_op.collection, "app.bsky.feed.like");
  EXPECT_EQ(like_op.rkey, "3klike");
  EXPECT_EQ(to_string(*like_op.cid), test::fixture_cid("like"));
  EXPECT_EQ(like_op.record, RecordStatus::not_read);
}

TEST(FirehoseFrame, DecodesTheReferenceDeleteWithANullSince) {
  FrameDecoder decoder;
  Frame frame;
  const Bytes message = test::read_fixture("commit_delete.hex");
  ASSERT_TRUE(decoder.decode(message, frame).ok());
  EXPECT_EQ(frame.commit.seq, 123456790);
  EXPECT_EQ(frame.commit.since, "");
  ASSERT_EQ(frame.commit.ops.size(), 1u);
  EXPECT_EQ(frame.commit.ops[0].action, OpAction::delete_);
  EXPECT_EQ(frame.commit.ops[0].rkey, "3kpost");
  EXPECT_FALSE(frame.commit.ops[0].cid);
  EXPECT_EQ(frame.commit.ops[0].record, RecordStatus::not_read);
}

TEST(FirehoseFrame, DecodesTheReferenceErrorAndIdentityFrames) {
  FrameDecoder decoder;
  Frame frame;
  const Bytes error = test::read_fixture("error_future_cursor.hex");
  const Bytes identity = test::read_fixture("identity.hex");
  ASSERT_TRUE(decoder.decode(error, frame).ok());
  EXPECT_EQ(frame.type, EventType::error);
  EXPECT_EQ(frame.error.error, "FutureCursor");
  EXPECT_EQ(frame.error.message, "Cursor in the future.");
  EXPECT_EQ(frame.seq(), std::nullopt);

  ASSERT_TRUE(decoder.decode(identity, frame).ok());
  EXPECT_EQ(frame.type, EventType::identity);
  EXPECT_EQ(frame.seq(), 123456791);
  EXPECT_EQ(frame.repo_event.did, did);
  EXPECT_EQ(frame.repo_event.time, "2026-12-04T09:30:04.000Z");
}

TEST(FirehoseFrame, AnUnknownTypeIsSkippedNotRefused) {
  FrameDecoder decoder;
  Frame frame;
  // The body of a type we do not know is not even read.
  const Bytes message = test::concat({header("#labels"), {0xff, 0xff}});
  auto decoded = decoder.decode(message, frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(frame.type, EventType::unknown);
  EXPECT_EQ(frame.type_name, "#labels");
  EXPECT_EQ(frame.seq(), std::nullopt);
}

TEST(FirehoseFrame, DecodesInfoAccountAndSyncEvents) {
  FrameDecoder decoder;
  Frame frame;
  const Bytes info =
      test::concat({header("#info"), test::map({{"name", test::text("OutdatedCursor")}})});
  ASSERT_TRUE(decoder.decode(info, frame).ok());
  EXPECT_EQ(frame.type, EventType::info);
  EXPECT_EQ(frame.info.name, "OutdatedCursor");
  for (std::string_view type : {"#account", "#sync"}) {
    const Bytes body = test::map({{"seq", test::integer(7)},
                                  {"did", test::text(did)},
                                  {"active", test::boolean(true)},
                                  {"time", test::text("t")}});
    const Bytes message = test::concat({header(type), body});
    ASSERT_TRUE(decoder.decode(message, frame).ok()) << type;
    EXPECT_EQ(frame.seq(), 7);
    EXPECT_EQ(frame.repo_event.did, did);
  }
  EXPECT_EQ(frame.type, EventType::sync);
}

// The inbox replies to what it ingests: a reply record names its root and parent by strong
// ref (uri + cid), so the decoder keeps both CIDs, and the quoted record's.
TEST(FirehoseFrame, KeepsTheStrongRefCidsOfRepliesAndQuotes) {
  auto ref = [](std::string_view uri, std::string_view cid) {
    return test::map({{"uri", test::text(uri)}, {"cid", test::text(cid)}});
  };
  const test::Block reply = test::block(
      post_record("replying and quoting",
                  {{"reply", test::map({{"root", ref("at://root", "bafyroot")},
                                        {"parent", ref("at://parent", "bafyparent")}})},
                   {"embed", test::map({{"$type", test::text("app.bsky.embed.record")},
                                        {"record", ref("at://quoted", "bafyquoted")}})}}));
  const test::Block plain = test::block(post_record("plain"));
  const Bytes message =
      commit_frame({reply, plain}, {op("create", "app.bsky.feed.post/1", test::link(reply.cid)),
                                    op("create", "app.bsky.feed.post/2", test::link(plain.cid))});
  FrameDecoder decoder;
  Frame frame;
  ASSERT_TRUE(decoder.decode(message, frame).ok());
  ASSERT_EQ(frame.commit.ops.size(), 2u);
  const Post& post = frame.commit.ops[0].post;
  EXPECT_EQ(post.reply_root_uri, "at://root");
  EXPECT_EQ(post.reply_root_cid, "bafyroot");
  EXPECT_EQ(post.reply_parent_uri, "at://parent");
  EXPECT_EQ(post.reply_parent_cid, "bafyparent");
  EXPECT_EQ(post.quote_uri, "at://quoted");
  EXPECT_EQ(post.quote_cid, "bafyquoted");
  // A reused Frame must not carry the refs over to the next post.
  const Post& next = frame.commit.ops[1].post;
  EXPECT_EQ(next.reply_root_cid, "");
  EXPECT_EQ(next.reply_parent_cid, "");
  EXPECT_EQ(next.quote_cid, "");
  ASSERT_TRUE(decoder
                  .decode(commit_frame({plain}, {op("create", "app.bsky.feed.post/3",
                                                    test::link(plain.cid))}),
                          frame)
                  .ok());
  EXPECT_EQ(frame.commit.ops[0].post.quote_cid, "");
  EXPECT_EQ(frame.commit.ops[0].post.reply_root_cid, "");
}

TEST(FirehoseFrame, ReadsQuotesWithMediaAndReportsMissingAndInvalidRecords) {
  const test::Block quote = test::block(post_record(
      "quoting",
      {{"embed", test::map({{"$type", test::text("app.bsky.embed.recordWithMedia")},
                            {"record", test::map({{"record", test::map({
                                                                 {"uri", test::text("at://q")},
                                                             })}})}})}}));
  const test::Block not_a_post =
      test::block(test::map({{"$type", test::text("app.bsky.feed.like")}}));
  const test::Block absent = test::block(post_record("not in the CAR"));
  const Bytes message = commit_frame(
      {quote, not_a_post}, {op("create", "app.bsky.feed.post/1", test::link(quote.cid)),
                            op("create", "app.bsky.feed.post/2", test::link(not_a_post.cid)),
                            op("create", "app.bsky.feed.post/3", test::link(absent.cid)),
                            op("update", "app.bsky.feed.post/4", test::link(quote.cid))});
  FrameDecoder decoder;
  Frame frame;
  auto decoded = decoder.decode(message, frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(frame.commit.ops.size(), 4u);
  EXPECT_EQ(frame.commit.ops[0].record, RecordStatus::post);
  EXPECT_EQ(frame.commit.ops[0].post.quote_uri, "at://q");
  EXPECT_EQ(frame.commit.ops[0].post.reply_root_uri, "");
  EXPECT_EQ(frame.commit.ops[1].record, RecordStatus::invalid);
  EXPECT_EQ(frame.commit.ops[2].record, RecordStatus::missing);
  EXPECT_EQ(frame.commit.ops[3].action, OpAction::update);
  EXPECT_EQ(frame.commit.ops[3].record, RecordStatus::not_read);
}

TEST(FirehoseFrame, ATooBigCommitWithoutBlocksReportsItsRecordsMissing) {
  const test::Block post = test::block(post_record("big"));
  const Bytes message =
      commit_frame({}, {op("create", "app.bsky.feed.post/1", test::link(post.cid))},
                   {{"blocks", test::bytes({})}, {"tooBig", test::boolean(true)}});
  FrameDecoder decoder;
  Frame frame;
  auto decoded = decoder.decode(message, frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(frame.commit.too_big);
  EXPECT_EQ(frame.commit.ops[0].record, RecordStatus::missing);
}

TEST(FirehoseFrame, ADecoderIsReusedAcrossFramesOfDifferentShapes) {
  FrameDecoder decoder;
  Frame frame;
  const Bytes two_ops = test::read_fixture("commit_two_ops.hex");
  const Bytes one_delete = test::read_fixture("commit_delete.hex");
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(decoder.decode(two_ops, frame).ok());
    EXPECT_EQ(frame.commit.ops.size(), 2u);
    EXPECT_EQ(frame.commit.ops[0].post.langs.size(), 2u);
    ASSERT_TRUE(decoder.decode(one_delete, frame).ok());
    EXPECT_EQ(frame.commit.ops.size(), 1u);
    EXPECT_TRUE(frame.commit.ops[0].post.langs.empty());
  }
}

TEST(FirehoseFrame, RefusesABlockWhoseHashIsNotItsCid) {
  test::Block post = test::block(post_record("original"));
  const Cid claimed = post.cid;
  post.data = post_record("forged!!");
  post.cid = claimed;
  expect_refused(commit_frame({post}, {op("create", "app.bsky.feed.post/1", test::link(claimed))}),
                 "does not hash to its CID");
}

TEST(FirehoseFrame, CheckingOnlyBlocksReadStillRefusesAForgedPost) {
  test::Block post = test::block(post_record("original"));
  const Cid claimed = post.cid;
  post.data = post_record("forged!!");
  post.cid = claimed;
  test::Block like = test::block(test::map({{"$type", test::text("app.bsky.feed.like")}}));
  const Cid like_cid = like.cid;
  like.data = test::map({{"$type", test::text("app.bsky.feed.lik3")}});
  like.cid = like_cid;
  FrameDecoder decoder(BlockCheck::blocks_read);
  Frame frame;
  // The forged like is never read: nothing of it reaches the Frame but its CID.
  const Bytes unread_forgery =
      commit_frame({like}, {op("create", "app.bsky.feed.like/1", test::link(like_cid))});
  EXPECT_TRUE(decoder.decode(unread_forgery, frame).ok());
  const Bytes read_forgery =
      commit_frame({post}, {op("create", "app.bsky.feed.post/1", test::link(claimed))});
  auto decoded = decoder.decode(read_forgery, frame);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().message.find("does not hash to its CID"), std::string::npos)
      << decoded.error().message;
}

TEST(FirehoseFrame, RefusesMalformedHeaders) {
  expect_refused({}, "header");
  expect_refused(test::concat({test::map({{"op", test::integer(2)}}), test::map({})}),
                 "neither 1 nor -1");
  expect_refused(test::concat({test::map({{"op", test::integer(1)}}), test::map({})}),
                 "without a type");
  expect_refused(
      test::concat({test::map({{"op", test::integer(1)}, {"t", test::integer(3)}}), test::map({})}),
      "without a type");
  expect_refused(test::concat({header("#commit"), test::array({})}), "body is not a map");
  expect_refused(test::concat({header("#commit")}), "body: DAG-CBOR: truncated");
  expect_refused(test::concat({header("#info"), test::map({}), {0x00}}), "trailing bytes");
  expect_refused(test::concat({test::map({{"op", test::integer(-1)}}), test::map({})}), "'error'");
  expect_refused(test::concat({header("#identity"), test::map({{"seq", test::integer(1)}})}),
                 "'did'");
  expect_refused(Bytes(core::limits::firehose_frame_bytes_max + 1, 0), "frame limit");
}

TEST(FirehoseFrame, RefusesCommitsWithMissingOrMistypedFields) {
  const Bytes null = test::null();
  for (const char* field : {"seq", "repo", "rev", "time", "blocks", "ops"}) {
    expect_refused(commit_frame({}, {}, {{field, {}}}), std::string("'") + field + "'");
    expect_refused(commit_frame({}, {}, {{field, null}}), std::string("'") + field + "'");
  }
  expect_refused(commit_frame({}, {}, {{"since", test::integer(1)}}), "'since'");
  expect_refused(commit_frame({}, {}, {{"blocks", test::bytes({0x01})}}), "blocks: CAR");
}

TEST(FirehoseFrame, RefusesMalformedOps) {
  const test::Block post = test::block(post_record("x"));
  const Bytes link = test::link(post.cid);
  auto refused_op = [&](const Bytes& bad, std::string_view says) {
    expect_refused(commit_frame({post}, {bad}), says);
  };
  refused_op(op("upsert", "app.bsky.feed.post/1", link), "'action'");
  refused_op(op("create", "app.bsky.feed.post", link), "'path'");
  refused_op(op("create", "/1", link), "'path'");
  refused_op(op("create", "app.bsky.feed.post/", link), "'path'");
  refused_op(op("create", "a/b/c", link), "'path'");
  refused_op(op("create", "app.bsky.feed.post/1", test::null()), "'cid'");
  refused_op(op("update", "app.bsky.feed.post/1", test::text("bafy")), "'cid'");
  refused_op(test::integer(1), "'action'");

  std::vector<Bytes> too_many(core::limits::firehose_commit_ops_max + 1,
                              op("delete", "app.bsky.feed.post/1", test::null()));
  expect_refused(commit_frame({}, too_many), "too many ops");
}

// The body is read in one pass (ADR 0033): the values the decoder does not keep are still
// read and checked whole, and a malformed body is reported before any missing field.
TEST(FirehoseFrame, ValuesTheDecoderDoesNotKeepAreStillChecked) {
  const Bytes not_utf8 = test::text("\xff");
  const Bytes unordered = test::concat(
      {test::head(5, 2), test::text("bb"), test::null(), test::text("a"), test::null()});
  Bytes deep = test::null();
  for (std::size_t level = 0; level < core::limits::dag_cbor_depth_max; ++level) {
    deep = test::array({deep});
  }
  expect_refused(commit_frame({}, {}, {{"rebase", not_utf8}}), "body: DAG-CBOR: text is not UTF-8");
  expect_refused(commit_frame({}, {}, {{"blobs", test::array({unordered})}}),
                 "body: DAG-CBOR: map keys not in DAG-CBOR order");
  expect_refused(commit_frame({}, {}, {{"unknownField", deep}}), "body: DAG-CBOR: nested too deep");
  expect_refused(commit_frame({}, {}, {{"commit", Bytes{0xd8, 0x2b, 0x40}}}),
                 "body: DAG-CBOR: tag other than 42");
  // Inside an op: a field the decoder does not read, and the ones it does.
  const test::Block post = test::block(post_record("x"));
  Bytes extended = op("create", "app.bsky.feed.post/1", test::link(post.cid));
  extended[0] += 1;  // one more pair, sorting last
  extended = test::concat({extended, test::text("zzzzzzz"), not_utf8});
  expect_refused(commit_frame({post}, {extended}), "body: DAG-CBOR: text is not UTF-8");
  expect_refused(commit_frame({post}, {op("create", "app.bsky.feed.post/1", not_utf8)}),
                 "body: DAG-CBOR: text is not UTF-8");
  // Malformed and missing a field: the malformed body is what is reported.
  expect_refused(commit_frame({}, {}, {{"seq", {}}, {"rebase", not_utf8}}), "text is not UTF-8");
  // Not a map, or followed by more bytes.
  expect_refused(test::concat({header("#commit"), test::array({not_utf8})}), "text is not UTF-8");
  expect_refused(test::concat({header("#commit"), test::array({})}), "body is not a map");
  Bytes trailing = commit_frame({}, {});
  trailing.push_back(0x00);
  expect_refused(trailing, "body: DAG-CBOR: trailing bytes");
  // A field of the wrong type, a container: read whole, then refused by name.
  expect_refused(commit_frame({}, {}, {{"repo", test::map({{"did", test::text(did)}})}}), "'repo'");
}

// The post record is read in one pass too: a record malformed anywhere is invalid, the
// facets' tags come before the record's own although "tags" is read first.
TEST(FirehoseFrame, ReadsThePostRecordInOnePassAndChecksItWhole) {
  auto facet = [](std::string_view type, std::string_view key, std::string_view value) {
    return test::map(
        {{"index", test::map({{"byteStart", test::integer(0)}, {"byteEnd", test::integer(1)}})},
         {"features", test::array({test::map({{"$type", test::text(type)},
                                              {std::string(key), test::text(value)}}),
                                   test::integer(7)})}});
  };
  const test::Block rich = test::block(post_record(
      "rich",
      {{"tags", test::array({test::text("own1"), test::integer(1), test::text("own2")})},
       {"langs", test::array({test::text("en"), test::null(), test::text("pt")})},
       {"facets", test::array({facet("app.bsky.richtext.facet#tag", "tag", "first"),
                               facet("app.bsky.richtext.facet#mention", "did", "did:plc:bob"),
                               facet("app.bsky.richtext.facet#link", "uri", "https://x.test/"),
                               facet("app.bsky.richtext.facet#tag", "tag", "second"),
                               facet("app.bsky.richtext.facet#other", "tag", "ignored"),
                               test::text("not a facet")})}}));
  const test::Block bad_nested = test::block(
      post_record("bad", {{"embed", test::map({{"$type", test::text("app.bsky.embed.images")},
                                               {"images", test::array({test::text("\xc3")})}})}}));
  const test::Block unordered = test::block(test::concat(
      {test::head(5, 3), test::text("$type"), test::text("app.bsky.feed.post"), test::text("text"),
       test::text("x"), test::text("createdAt"), test::text("2026")}));
  const test::Block not_a_map = test::block(test::array({test::text("app.bsky.feed.post")}));
  Bytes trailing_bytes = post_record("trailing");
  trailing_bytes.push_back(0xf6);
  const test::Block trailing = test::block(trailing_bytes);
  const Bytes message =
      commit_frame({rich, bad_nested, unordered, not_a_map, trailing},
                   {op("create", "app.bsky.feed.post/1", test::link(rich.cid)),
                    op("create", "app.bsky.feed.post/2", test::link(bad_nested.cid)),
                    op("create", "app.bsky.feed.post/3", test::link(unordered.cid)),
                    op("create", "app.bsky.feed.post/4", test::link(not_a_map.cid)),
                    op("create", "app.bsky.feed.post/5", test::link(trailing.cid))});
  FrameDecoder decoder;
  Frame frame;
  auto decoded = decoder.decode(message, frame);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(frame.commit.ops.size(), 5u);
  const Post& post = frame.commit.ops[0].post;
  ASSERT_EQ(frame.commit.ops[0].record, RecordStatus::post);
  EXPECT_EQ(post.text, "rich");
  EXPECT_EQ(post.tags, (std::vector<std::string_view>{"first", "second", "own1", "own2"}));
  EXPECT_EQ(post.langs, (std::vector<std::string_view>{"en", "pt"}));
  EXPECT_EQ(post.mention_dids, (std::vector<std::string_view>{"did:plc:bob"}));
  EXPECT_EQ(post.links, (std::vector<std::string_view>{"https://x.test/"}));
  for (std::size_t index = 1; index < 5; ++index) {
    EXPECT_EQ(frame.commit.ops[index].record, RecordStatus::invalid) << index;
    EXPECT_EQ(frame.commit.ops[index].post.text, "") << index;
    EXPECT_TRUE(frame.commit.ops[index].post.tags.empty()) << index;
  }
}

TEST(FirehoseFrame, EveryTruncationOfTheReferenceCommitIsAnError) {
  const Bytes message = test::read_fixture("commit_two_ops.hex");
  FrameDecoder decoder;
  Frame frame;
  for (std::size_t length = 0; length < message.size(); ++length) {
    EXPECT_FALSE(decoder.decode(std::span(message.data(), length), frame).ok())
        << "prefix of " << length << " bytes";
  }
  EXPECT_TRUE(decoder.decode(message, frame).ok());
}

TEST(FirehoseFrame, EveryFlippedByteOfTheReferenceCommitIsDecodedOrRefusedSafely) {
  // Under the sanitizers this is the point: no read past the end, no UB, whatever the byte.
  const Bytes message = test::read_fixture("commit_two_ops.hex");
  FrameDecoder decoder;
  Frame frame;
  std::size_t refused = 0;
  for (std::size_t at = 0; at < message.size(); ++at) {
    for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
      Bytes mutated = message;
      mutated[at] ^= mask;
      if (!decoder.decode(mutated, frame).ok()) ++refused;
    }
  }
  // Most bytes are covered by a block hash or the CBOR structure; only the text bytes of
  // the frame body itself (repo, rev, time, paths...) can change and still decode.
  EXPECT_GT(refused, message.size() * 3 * 3 / 4);
}

// A typical one-post commit: the commit block, a few MST nodes and the post record.
Bytes typical_commit() {
  const test::Block post = test::block(post_record(
      "Trying out the new scheduling tool for our team account, looks promising so far! "
      "https://example.com/roost",
      {{"langs", test::array({test::text("en")})},
       {"facets",
        test::array({test::map(
            {{"index",
              test::map({{"byteStart", test::integer(85)}, {"byteEnd", test::integer(110)}})},
             {"features",
              test::array({test::map({{"$type", test::text("app.bsky.richtext.facet#link")},
                                      {"uri", test::text("https://example.com/roost")}})})}})})}}));
  std::vector<test::Block> blocks = {post};
  for (int node = 0; node < 4; ++node) {
    std::vector<Bytes> entries;
    for (int entry = 0; entry < 4; ++entry) {
      entries.push_back(test::map({{"k", test::bytes(Bytes(24, static_cast<std::uint8_t>(entry)))},
                                   {"p", test::integer(entry * 3)},
                                   {"t", test::null()},
                                   {"v", test::link(post.cid)}}));
    }
    blocks.push_back(test::block(test::map({{"e", test::array_of(entries)},
                                            {"l", test::link(post.cid)},
                                            {"n", test::integer(node)}})));
  }
  return commit_frame(blocks, {op("create", "app.bsky.feed.post/3kxyz", test::link(post.cid))});
}

// The CPU time of this thread: the machine's other work does not count against the decoder.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Run with --gtest_also_run_disabled_tests: prints frames/s of one core (ADR 0017).
TEST(FirehoseFrame, DISABLED_ThroughputOfATypicalOnePostCommit) {
  const Bytes message = typical_commit();
  for (BlockCheck check : {BlockCheck::every_block, BlockCheck::blocks_read}) {
    FrameDecoder decoder(check);
    Frame frame;
    ASSERT_TRUE(decoder.decode(message, frame).ok());
    ASSERT_EQ(frame.commit.ops[0].record, RecordStatus::post);
    constexpr std::size_t frames = 200'000;
    const double start = thread_cpu_seconds();
    for (std::size_t round = 0; round < frames; ++round) {
      if (!decoder.decode(message, frame).ok()) FAIL();
    }
    const double seconds = thread_cpu_seconds() - start;
    std::printf("%zu-byte one-post commit, %s: %.0f frames/s of CPU time (%.2f us/frame)\n",
                message.size(), check == BlockCheck::every_block ? "every_block" : "blocks_read",
                frames / seconds, seconds * 1e6 / frames);
  }
}

}  // namespace
}  // namespace roost::ingest::firehose
