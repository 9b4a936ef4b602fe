// The strict DAG-CBOR decoder: every kind of value, and every non-DAG-CBOR form it refuses.
#include "ingest/dag_cbor.hpp"

#include <limits>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cbor_encoder.hpp"
#include "core/limits.hpp"

namespace roost::ingest::dag_cbor {
namespace {

using test::Bytes;

void expect_refused(const Bytes& input, std::string_view says) {
  Document document;
  auto parsed = document.parse(input);
  ASSERT_FALSE(parsed.ok()) << says;
  EXPECT_EQ(parsed.error().code, core::ErrorCode::invalid_request);
  EXPECT_NE(parsed.error().message.find(says), std::string::npos) << parsed.error().message;
}

TEST(DagCbor, DecodesIntegersAtEveryWidthAndBothSigns) {
  Document document;
  for (std::int64_t value :
       {std::int64_t{0}, std::int64_t{23}, std::int64_t{24}, std::int64_t{255}, std::int64_t{256},
        std::int64_t{65'535}, std::int64_t{65'536}, std::int64_t{4'294'967'296},
        std::numeric_limits<std::int64_t>::max(), std::int64_t{-1}, std::int64_t{-24},
        std::int64_t{-25}, std::int64_t{-257}, std::numeric_limits<std::int64_t>::min()}) {
    auto parsed = document.parse(test::integer(value));
    ASSERT_TRUE(parsed.ok()) << value << ": " << parsed.error().message;
    EXPECT_EQ(parsed->integer(), value);
    EXPECT_EQ(parsed->text(), std::nullopt);
  }
}

TEST(DagCbor, DecodesStringsBooleansNullFloatsAndLinks) {
  Document document;
  const Bytes hello = test::text("héllo");
  EXPECT_EQ(document.parse(hello)->text(), "héllo");
  const Bytes three = test::bytes({1, 2, 3});
  auto bytes = document.parse(three);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(Bytes(bytes->bytes()->begin(), bytes->bytes()->end()), (Bytes{1, 2, 3}));
  EXPECT_EQ(document.parse(test::boolean(true))->boolean(), true);
  EXPECT_EQ(document.parse(test::boolean(false))->boolean(), false);
  EXPECT_TRUE(document.parse(test::null())->is(Type::null));
  EXPECT_EQ(document.parse(Bytes{0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0})->float64(), 1.5);

  const Cid cid = compute_cid(CidCodec::dag_cbor, Bytes{0xa0});
  const Bytes encoded_link = test::link(cid);
  auto link = document.parse(encoded_link);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_EQ(link->link(), cid);
  EXPECT_EQ(link->bytes(), std::nullopt);
}

TEST(DagCbor, NavigatesMapsAndArraysAndChainsThroughAbsentKeys) {
  const Bytes input = test::map({
      {"text", test::text("hi")},
      {"langs", test::array({test::text("en"), test::text("fr")})},
      {"reply", test::map({{"root", test::map({{"uri", test::text("at://x")}})}})},
      {"n", test::array({test::array({}), test::map({}), test::integer(-5)})},
  });
  Document document;
  auto root = document.parse(input);
  ASSERT_TRUE(root.ok()) << root.error().message;
  EXPECT_EQ(root->size(), 4u);
  EXPECT_EQ((*root)["text"].text(), "hi");
  EXPECT_EQ((*root)["reply"]["root"]["uri"].text(), "at://x");
  EXPECT_FALSE((*root)["nope"]["deeper"].present());
  EXPECT_EQ((*root)["nope"]["deeper"].text(), std::nullopt);

  std::vector<std::string_view> langs;
  for (Value lang : (*root)["langs"].items()) langs.push_back(*lang.text());
  EXPECT_EQ(langs, (std::vector<std::string_view>{"en", "fr"}));

  // Iteration skips whole subtrees: the third item comes after an empty array and map.
  std::vector<Value> items;
  for (Value item : (*root)["n"].items()) items.push_back(item);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].is(Type::array));
  EXPECT_TRUE(items[1].is(Type::map));
  EXPECT_EQ(items[2].integer(), -5);

  std::vector<std::string_view> keys;
  for (const Member& member : root->members()) keys.push_back(member.key);
  EXPECT_EQ(keys, (std::vector<std::string_view>{"n", "text", "langs", "reply"}));
  EXPECT_EQ((*root)["text"].items().begin(), (*root)["text"].items().end());
}

TEST(DagCbor, ParsePrefixReportsTheBytesOfTheFirstItem) {
  const Bytes input = test::concat({test::map({{"op", test::integer(1)}}), test::integer(7)});
  Document document;
  auto prefix = document.parse_prefix(input);
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->size, input.size() - 1);
  EXPECT_EQ(prefix->value["op"].integer(), 1);
}

TEST(DagCbor, RefusesIndefiniteLengthsAndReservedForms) {
  expect_refused({0x9f, 0x01, 0xff}, "indefinite length");
  expect_refused({0x7f, 0x61, 0x61, 0xff}, "indefinite length");
  expect_refused({0xbf, 0xff}, "indefinite length");
  expect_refused({0xff}, "indefinite length");
  expect_refused({0x1c}, "reserved");
  expect_refused({0x3e}, "reserved");
}

TEST(DagCbor, RefusesNonMinimalEncodings) {
  expect_refused({0x18, 0x05}, "non-minimal");
  expect_refused({0x19, 0x00, 0xff}, "non-minimal");
  expect_refused({0x1a, 0x00, 0x00, 0xff, 0xff}, "non-minimal");
  expect_refused({0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, "non-minimal");
  expect_refused({0x38, 0x00}, "non-minimal");
  expect_refused({0x78, 0x01, 0x61}, "non-minimal");
  expect_refused({0x98, 0x00}, "non-minimal");
}

TEST(DagCbor, RefusesIntegersOutsideInt64) {
  expect_refused({0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0}, "int64");
  expect_refused({0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0}, "int64");
}

TEST(DagCbor, RefusesFloatsOtherThanFinite64BitAndOtherSimpleValues) {
  expect_refused({0xf9, 0x3c, 0x00}, "float width");
  expect_refused({0xfa, 0x3f, 0xc0, 0x00, 0x00}, "float width");
  expect_refused({0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, "NaN");
  expect_refused({0xfb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0}, "infinity");
  expect_refused({0xf7}, "simple value");
  expect_refused({0xf0}, "simple value");
  expect_refused({0xf8, 0x20}, "simple value");
}

TEST(DagCbor, RefusesTagsOtherThanWellFormedCidLinks) {
  const Cid cid = compute_cid(CidCodec::raw, Bytes{});
  const auto binary = to_binary(cid);
  expect_refused({0xc0, 0x60}, "tag other than 42");
  expect_refused(test::concat({{0xd8, 42}, test::text("x")}), "does not hold a byte string");
  expect_refused(test::concat({{0xd8, 42}, test::bytes(Bytes(binary.begin(), binary.end()))}),
                 "multibase prefix");
  Bytes bad = {0x00};
  bad.insert(bad.end(), binary.begin(), binary.end() - 1);
  expect_refused(test::concat({{0xd8, 42}, test::bytes(bad)}), "invalid CID");
  expect_refused(test::concat({{0xd8, 42}, test::bytes({0x00})}), "invalid CID");
}

TEST(DagCbor, RefusesMapKeysThatAreNotTextOrNotInOrder) {
  expect_refused(test::concat({{0xa1}, test::integer(1), test::integer(2)}), "not text");
  // "b" then "a": same length, wrong byte order.
  expect_refused(
      test::concat({{0xa2}, test::text("b"), test::null(), test::text("a"), test::null()}),
      "order");
  // "aa" then "b": length-first order puts "b" first.
  expect_refused(
      test::concat({{0xa2}, test::text("aa"), test::null(), test::text("b"), test::null()}),
      "order");
  expect_refused(
      test::concat({{0xa2}, test::text("a"), test::null(), test::text("a"), test::null()}),
      "repeated");
}

TEST(DagCbor, RefusesTextThatIsNotUtf8) {
  expect_refused({0x62, 0xc3, 0x28}, "UTF-8");
  expect_refused({0x63, 0xed, 0xa0, 0x80}, "UTF-8");  // a surrogate
  expect_refused({0x62, 0xc0, 0x80}, "UTF-8");        // overlong
}

TEST(DagCbor, ChecksUtf8AtEveryPositionAndLength) {
  // The decoder reads ASCII a word at a time and the tail as overlapping words, and from the
  // first non-ASCII word on checks 32 bytes at a step (core::utf8_valid): a bad byte or a
  // good multi-byte character anywhere, in texts of every length around those widths; after
  // an ASCII run, or after an "é" that starts the 32-byte steps at the text's start, so that
  // a piece also falls across two steps.
  const std::string bad[] = {"\xc3\x28", "\xed\xa0\x80", "\xc0\x80",    "\x80",
                             "\xff",     "\xe6\x97",     "\xf0\x9f\x98"};
  const std::string good[] = {"\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x82"};
  for (const std::string lead : {"", "\xc3\xa9"}) {
    for (std::size_t length = 0; length <= 70; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        const auto around = [&](const std::string& piece) {
          return lead + std::string(at, 'a') + piece + std::string(length - at, 'b');
        };
        for (const std::string& piece : bad) {
          Document document;
          EXPECT_FALSE(document.parse(test::text(around(piece))).ok())
              << lead.size() << " " << length << " " << at;
        }
        for (const std::string& piece : good) {
          const std::string value = around(piece);
          const Bytes encoded = test::text(value);  // the Value's text is a view of it
          Document document;
          auto parsed = document.parse(encoded);
          ASSERT_TRUE(parsed.ok()) << lead.size() << " " << length << " " << at;
          EXPECT_EQ(parsed->text(), value);
        }
      }
    }
  }
}

TEST(DagCbor, RefusesTrailingBytes) { expect_refused({0x01, 0x02}, "trailing bytes"); }

TEST(DagCbor, RefusesNestingPastTheDepthLimit) {
  const std::size_t limit = core::limits::dag_cbor_depth_max;
  Bytes at_limit(limit, 0x81);
  at_limit.push_back(0x00);
  Document document;
  EXPECT_TRUE(document.parse(at_limit).ok());

  Bytes past_limit(limit + 1, 0x81);
  past_limit.push_back(0x00);
  expect_refused(past_limit, "nested too deep");

  // A depth bomb: a million nested one-item arrays or maps, refused without a deep stack.
  expect_refused(Bytes(1'000'000, 0x81), "nested too deep");
  Bytes maps;
  for (int level = 0; level < 100'000; ++level) {
    maps.insert(maps.end(), {0xa1, 0x61, 'a'});
  }
  expect_refused(maps, "nested too deep");
  // Tags count as nesting too: 42 is only valid around bytes, but it must not recurse.
  Bytes tags;
  for (int level = 0; level < 100'000; ++level) tags.insert(tags.end(), {0xd8, 42});
  expect_refused(tags, "byte string");
}

TEST(DagCbor, RefusesDeclaredLengthsPastTheEndWithoutAllocatingForThem) {
  expect_refused({0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "array longer");
  expect_refused({0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "map longer");
  expect_refused({0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "string longer");
  expect_refused({0x7a, 0xff, 0xff, 0xff, 0xff, 0x61}, "string longer");
  expect_refused({0x82, 0x82, 0x01, 0x02}, "truncated");
}

// Four million one-byte nulls fit a frame; their tape would not fit a sane budget.
TEST(DagCbor, RefusesMoreValuesThanTheLimitWhetherArrayItemsOrMapKeys) {
  const std::size_t limit = core::limits::dag_cbor_values_max;
  auto nulls = [](std::size_t count) {
    Bytes out = test::head(4, count);
    out.insert(out.end(), count, 0xf6);
    return out;
  };
  Document document;
  auto at_limit = document.parse(nulls(limit - 1));  // the array itself is one value
  ASSERT_TRUE(at_limit.ok()) << at_limit.error().message;
  EXPECT_EQ(at_limit->size(), limit - 1);
  expect_refused(nulls(limit), "more values than allowed");
  expect_refused(nulls(4'000'000), "more values than allowed");

  // A map's keys are values on the tape too: limit / 2 pairs plus the map is one too many.
  Bytes map = test::head(5, limit / 2);
  for (std::size_t pair = 0; pair < limit / 2; ++pair) {
    const std::string key = fmt::format("{:06}", pair);
    const Bytes encoded = test::text(key);
    map.insert(map.end(), encoded.begin(), encoded.end());
    map.push_back(0xf6);
  }
  expect_refused(map, "more values than allowed");
}

TEST(DagCbor, EveryTruncationIsAnErrorNotACrash) {
  const Bytes input = test::map({
      {"a", test::array({test::integer(1'000'000), test::integer(-70'000), test::null()})},
      {"bytes", test::bytes(Bytes(30, 7))},
      {"f", {0xfb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18}},
      {"link", test::link(compute_cid(CidCodec::raw, Bytes{1}))},
      {"text", test::text("ünïcødé")},
  });
  Document document;
  ASSERT_TRUE(document.parse(input).ok());
  for (std::size_t length = 0; length < input.size(); ++length) {
    auto parsed = document.parse(std::span(input.data(), length));
    EXPECT_FALSE(parsed.ok()) << "prefix of " << length << " bytes";
  }
}

TEST(DagCbor, ADocumentIsReusable) {
  Document document;
  const Bytes map = test::map({{"a", test::integer(1)}});
  const Bytes array = test::array({test::text("x")});
  auto first = document.parse(map);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(document.parse(Bytes{0xff}).ok());
  auto second = document.parse(array);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 1u);
}

}  // namespace
}  // namespace roost::ingest::dag_cbor
