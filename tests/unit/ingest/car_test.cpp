// CAR v1: the header, the block index, and a block that does not hash to its CID.
#include "ingest/car.hpp"

#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace roost::ingest {
namespace {

using test::Bytes;

void expect_refused(const Bytes& input, std::string_view says) {
  Car car;
  auto parsed = car.parse(input);
  ASSERT_FALSE(parsed.ok()) << says;
  EXPECT_NE(parsed.error().message.find(says), std::string::npos) << parsed.error().message;
}

struct Sample {
  test::Block record = test::block(test::map({{"$type", test::text("app.bsky.feed.post")}}));
  test::Block picture = test::block(Bytes{1, 2, 3}, CidCodec::raw);
  test::Block commit = test::block(test::map({{"data", test::link(record.cid)}}));
  Bytes bytes = test::car({commit.cid}, {commit, record, picture});
};

TEST(Car, IndexesEveryBlockByItsCid) {
  const Sample sample;
  Car car;
  auto parsed = car.parse(sample.bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(car.roots(), std::vector<Cid>{sample.commit.cid});
  EXPECT_EQ(car.blocks().size(), 3u);
  for (const test::Block& block : {sample.record, sample.picture, sample.commit}) {
    auto found = car.find(block.cid);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(*found);
    EXPECT_EQ(Bytes((*found)->begin(), (*found)->end()), block.data);
  }
  auto absent = car.find(compute_cid(CidCodec::raw, Bytes{9}));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(*absent);
}

TEST(Car, FindsEveryBlockOfALargeArchiveAndNoOther) {
  // Past 16 blocks the index is sorted and searched, below it scanned: both paths here.
  for (const std::size_t count :
       {std::size_t{5}, std::size_t{16}, std::size_t{17}, std::size_t{60}}) {
    std::vector<test::Block> blocks;
    for (std::size_t index = 0; index < count; ++index) {
      blocks.push_back(
          test::block(test::map({{"n", test::integer(static_cast<std::int64_t>(index))}})));
    }
    const Bytes bytes = test::car({blocks[0].cid}, blocks);  // the blocks are views of it
    Car car;
    ASSERT_TRUE(car.parse(bytes, BlockCheck::blocks_read).ok());
    EXPECT_EQ(car.blocks().size(), count);
    for (const test::Block& block : blocks) {
      auto found = car.find(block.cid);
      ASSERT_TRUE(found.ok()) << count;
      ASSERT_TRUE(*found) << count;
      EXPECT_EQ(Bytes((*found)->begin(), (*found)->end()), block.data);
    }
    auto absent = car.find(compute_cid(CidCodec::dag_cbor, Bytes{0xa0}));
    ASSERT_TRUE(absent.ok());
    EXPECT_FALSE(*absent) << count;
  }
}

TEST(Car, ReadsTheReferenceImplementationsArchive) {
  const Bytes bytes = test::read_fixture("commit_two_ops.car.hex");
  Car car;
  auto parsed = car.parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(car.roots().size(), 1u);
  EXPECT_EQ(to_string(car.roots()[0]), test::fixture_cid("commit"));
  EXPECT_EQ(car.blocks().size(), 3u);
  for (const char* label : {"commit", "post", "like"}) {
    auto cid = parse_cid_string(test::fixture_cid(label));
    ASSERT_TRUE(cid.ok());
    EXPECT_TRUE(car.find(*cid).value()) << label;
  }
}

TEST(Car, AnArchiveWithoutBlocksHasItsRootsOnly) {
  Car car;
  const Cid root = compute_cid(CidCodec::dag_cbor, Bytes{0xa0});
  ASSERT_TRUE(car.parse(test::car({root}, {})).ok());
  EXPECT_EQ(car.roots().size(), 1u);
  EXPECT_TRUE(car.blocks().empty());
}

TEST(Car, RefusesABlockThatDoesNotHashToItsCid) {
  Sample sample;
  test::Block forged = sample.record;
  forged.data.back() ^= 0x01;
  expect_refused(test::car({sample.commit.cid}, {sample.commit, forged}), "does not hash");
}

TEST(Car, CheckingOnlyTheBlocksReadRefusesAForgedBlockWhenItIsRead) {
  Sample sample;
  test::Block forged = sample.record;
  forged.data.back() ^= 0x01;
  const Bytes bytes = test::car({sample.commit.cid}, {sample.commit, forged, sample.picture});
  Car car;
  ASSERT_TRUE(car.parse(bytes, BlockCheck::blocks_read).ok());
  EXPECT_TRUE(car.find(sample.picture.cid).value());
  auto read = car.find(forged.cid);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().message.find("does not hash"), std::string::npos);
}

TEST(Car, RefusesMalformedHeaders) {
  const Cid root = compute_cid(CidCodec::dag_cbor, Bytes{0xa0});
  auto with_header = [](const Bytes& header) {
    return test::concat({test::varint(header.size()), header});
  };
  expect_refused(with_header(test::map(
                     {{"version", test::integer(2)}, {"roots", test::array({test::link(root)})}})),
                 "version is not 1");
  expect_refused(with_header(test::map({{"version", test::integer(1)}})), "no roots");
  expect_refused(with_header(test::map({{"version", test::integer(1)},
                                        {"roots", test::array({test::text("bafy")})}})),
                 "not a CID");
  expect_refused(with_header(test::array({})), "version is not 1");
  expect_refused(with_header({0x9f, 0xff}), "indefinite");
  expect_refused({}, "header length");
  expect_refused({0x00}, "header length");
  expect_refused({0x05, 0xa0}, "header length past the end");
}

TEST(Car, AOneRootHeaderWithABadCidIsRefusedLikeAnyOther) {
  // {roots: [CID], version: 1} is read without a parse; its CID is still checked.
  const Cid root = compute_cid(CidCodec::dag_cbor, Bytes{0xa0});
  auto header_with_cid = [](Bytes cid) {
    cid.insert(cid.begin(), 0x00);
    const Bytes header =
        test::map({{"version", test::integer(1)},
                   {"roots", test::array({test::concat({{0xd8, 0x2a}, test::bytes(cid)})})}});
    return test::concat({test::varint(header.size()), header});
  };
  const auto binary = to_binary(root);
  Car car;
  ASSERT_TRUE(car.parse(header_with_cid(Bytes(binary.begin(), binary.end()))).ok());
  EXPECT_EQ(car.roots(), std::vector<Cid>{root});
  Bytes version_2(binary.begin(), binary.end());
  version_2[0] = 2;
  expect_refused(header_with_cid(version_2), "invalid CID");
  Bytes sha1 = Bytes(binary.begin(), binary.end());
  sha1[2] = 0x11;
  expect_refused(header_with_cid(sha1), "invalid CID");
}

TEST(Car, RefusesMalformedSections) {
  const Sample sample;
  const Bytes header_only = test::car({sample.commit.cid}, {});
  expect_refused(test::concat({header_only, {0x00}}), "section length");
  expect_refused(test::concat({header_only, {0x80}}), "section length");
  expect_refused(test::concat({header_only, {0x7f, 0x01}}), "section length past the end");
  expect_refused(test::concat({header_only, {0x03, 0x12, 0x20, 0x00}}), "CIDv0");
}

TEST(Car, EveryTruncationIsAnErrorOrAShorterArchive) {
  const Sample sample;
  for (std::size_t length = 0; length < sample.bytes.size(); ++length) {
    Car car;
    auto parsed = car.parse(std::span(sample.bytes.data(), length));
    // A cut exactly between sections leaves a valid archive of fewer blocks.
    if (parsed.ok()) {
      EXPECT_LT(car.blocks().size(), 3u) << length;
    }
  }
}

}  // namespace
}  // namespace roost::ingest
