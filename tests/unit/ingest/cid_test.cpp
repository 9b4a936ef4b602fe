// CIDs: binary and string forms against the reference implementation's strings, and every
// CID atproto does not allow.
#include "ingest/cid.hpp"

#include <set>
#include <unordered_set>

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ingest/varint.hpp"

namespace roost::ingest {
namespace {

using test::Bytes;

Bytes binary_of(const Cid& cid) {
  const auto binary = to_binary(cid);
  return Bytes(binary.begin(), binary.end());
}

void expect_refused(const Bytes& input, std::string_view says) {
  auto parsed = parse_cid(input);
  ASSERT_FALSE(parsed.ok()) << says;
  EXPECT_NE(parsed.error().message.find(says), std::string::npos) << parsed.error().message;
}

TEST(Cid, TheEmptyRawBlockHasTheReferenceImplementationsCid) {
  const Cid cid = compute_cid(CidCodec::raw, Bytes{});
  EXPECT_EQ(to_string(cid), test::fixture_cid("empty-raw"));
  EXPECT_EQ(to_string(cid), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
}

TEST(Cid, StringAndBinaryFormsRoundTrip) {
  for (const char* label : {"post", "like", "commit", "empty-raw"}) {
    const std::string text = test::fixture_cid(label);
    auto cid = parse_cid_string(text);
    ASSERT_TRUE(cid.ok()) << label << ": " << cid.error().message;
    EXPECT_EQ(to_string(*cid), text);
    auto again = parse_cid(binary_of(*cid));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *cid);
  }
  EXPECT_EQ(parse_cid_string(test::fixture_cid("post"))->codec, CidCodec::dag_cbor);
}

// After what the buffer already holds, whole: the five-byte groups and the tail alike.
TEST(Cid, AppendStringWritesTheStringFormAfterWhatIsThere) {
  const std::string before = "what the buffer held";
  std::string out = before;
  std::string expected = before;
  for (const char* label : {"post", "like", "commit", "empty-raw"}) {
    const std::string text = test::fixture_cid(label);
    append_string(*parse_cid_string(text), out);
    expected += text;
    EXPECT_EQ(out, expected);
    EXPECT_EQ(text.size(), cid_string_chars);
  }
}

TEST(Cid, ReadCidReportsItsSizeInALongerInput) {
  const Cid cid = compute_cid(CidCodec::dag_cbor, Bytes{0xa0});
  Bytes input = binary_of(cid);
  input.push_back(0xa0);
  auto read = read_cid(input);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->cid, cid);
  EXPECT_EQ(read->size, cid_binary_bytes);
  expect_refused(input, "trailing bytes");
}

TEST(Cid, RefusesWhatAtprotoDoesNotWrite) {
  const Bytes good = binary_of(compute_cid(CidCodec::dag_cbor, Bytes{}));
  Bytes v0 = {0x12, 0x20};
  v0.insert(v0.end(), good.begin() + 4, good.end());
  expect_refused(v0, "CIDv0");

  Bytes version_2 = good;
  version_2[0] = 2;
  expect_refused(version_2, "version is not 1");
  Bytes dag_pb = good;
  dag_pb[1] = 0x70;
  expect_refused(dag_pb, "codec");
  Bytes sha512 = good;
  sha512[2] = 0x13;
  expect_refused(sha512, "sha2-256");
  Bytes short_digest = good;
  short_digest[3] = 31;
  expect_refused(short_digest, "digest length");
  expect_refused(Bytes(good.begin(), good.end() - 1), "truncated digest");
  expect_refused({}, "version");
  expect_refused({0x01}, "codec");
  // The version as a two-byte varint: a second spelling of 1.
  Bytes non_minimal = {0x81, 0x00};
  non_minimal.insert(non_minimal.end(), good.begin() + 1, good.end());
  expect_refused(non_minimal, "version");
}

TEST(Cid, RefusesStringsThatAreNotTheOneCanonicalSpelling) {
  const std::string good = test::fixture_cid("post");
  EXPECT_FALSE(parse_cid_string("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG").ok());
  EXPECT_FALSE(parse_cid_string("").ok());
  std::string upper_multibase = good;
  upper_multibase[0] = 'B';
  EXPECT_FALSE(parse_cid_string(upper_multibase).ok());
  std::string upper = good;
  upper[5] = static_cast<char>(upper[5] - 'a' + 'A');
  EXPECT_FALSE(parse_cid_string(upper).ok());
  EXPECT_FALSE(parse_cid_string(good + "=").ok());
  EXPECT_FALSE(parse_cid_string(good.substr(0, good.size() - 1)).ok());
  // 36 bytes are 288 bits: the last character carries 3 bits of padding, which must be 0.
  constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  std::string padded = good;
  padded.back() = alphabet[alphabet.find(padded.back()) ^ 1];
  auto parsed = parse_cid_string(padded);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("non-canonical"), std::string::npos)
      << parsed.error().message;
}

TEST(Cid, WorksAsAKeyOfHashedAndOrderedContainers) {
  const Cid first = compute_cid(CidCodec::raw, Bytes{1});
  const Cid second = compute_cid(CidCodec::raw, Bytes{2});
  Cid same_digest_other_codec = first;
  same_digest_other_codec.codec = CidCodec::dag_cbor;
  std::unordered_set<Cid> hashed = {first, second, same_digest_other_codec, first};
  std::set<Cid> ordered = {first, second, same_digest_other_codec, first};
  EXPECT_EQ(hashed.size(), 3u);
  EXPECT_EQ(ordered.size(), 3u);
  EXPECT_TRUE(hashed.contains(second));
  EXPECT_NE(first, same_digest_other_codec);
}

TEST(Varint, ReadsMinimalVarintsAndRefusesTheRest) {
  EXPECT_EQ(read_varint(Bytes{0x00})->value, 0u);
  EXPECT_EQ(read_varint(Bytes{0x7f})->value, 127u);
  auto two = read_varint(Bytes{0x80, 0x01, 0xff});
  ASSERT_TRUE(two);
  EXPECT_EQ(two->value, 128u);
  EXPECT_EQ(two->size, 2u);
  EXPECT_FALSE(read_varint(Bytes{}));
  EXPECT_FALSE(read_varint(Bytes{0x80}));
  EXPECT_FALSE(read_varint(Bytes{0x80, 0x00}));
  EXPECT_FALSE(read_varint(Bytes(9, 0xff)));
  Bytes nine(8, 0xff);
  nine.push_back(0x7f);
  EXPECT_EQ(read_varint(nine)->value, (std::uint64_t{1} << 63) - 1);
}

}  // namespace
}  // namespace roost::ingest
