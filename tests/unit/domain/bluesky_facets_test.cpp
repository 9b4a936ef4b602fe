#include "domain/bluesky_facets.hpp"

#include <cctype>
#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace roost::domain {
namespace {

std::vector<RichTextFacet> facets_of(std::string_view text) {
  auto facets = detect_facets(text);
  EXPECT_TRUE(facets.ok()) << text;
  return facets.ok() ? *facets : std::vector<RichTextFacet>{};
}

RichTextFacet facet(FacetKind kind, std::size_t start, std::size_t end, std::string value) {
  return {kind, start, end, std::move(value), {}};
}

// The bytes a facet covers, which is what a client underlines.
std::string covered(std::string_view text, const RichTextFacet& facet) {
  return std::string(text.substr(facet.byte_start, facet.byte_end - facet.byte_start));
}

TEST(BlueskyFacets, OffsetsAreUtf8BytesAfterMultiByteText) {
  std::string text = "h\xC3\xA9llo @alice.test, voir https://example.com/path.";  // héllo
  auto facets = facets_of(text);
  ASSERT_EQ(facets.size(), 2u);
  EXPECT_EQ(facets[0], facet(FacetKind::mention, 7, 18, "alice.test"));
  EXPECT_EQ(facets[1], facet(FacetKind::link, 25, 49, "https://example.com/path"));
  EXPECT_EQ(covered(text, facets[0]), "@alice.test");
  EXPECT_EQ(covered(text, facets[1]), "https://example.com/path");
}

TEST(BlueskyFacets, TagsAfterEmojiAndFullwidthSign) {
  // "🎉 #launch day ＃全角タグ"
  std::string text =
      "\xF0\x9F\x8E\x89 #launch day \xEF\xBC\x83\xE5\x85\xA8\xE8\xA7\x92\xE3\x82\xBF\xE3\x82\xB0";
  auto facets = facets_of(text);
  ASSERT_EQ(facets.size(), 2u);
  EXPECT_EQ(facets[0], facet(FacetKind::tag, 5, 12, "launch"));
  EXPECT_EQ(facets[1],
            facet(FacetKind::tag, 17, 32, "\xE5\x85\xA8\xE8\xA7\x92\xE3\x82\xBF\xE3\x82\xB0"));
}

TEST(BlueskyFacets, MentionInParenthesesAndBareDomainAfterAccents) {
  // "Café ☕ (@carol.test) et example.com/docs"
  std::string text = "Caf\xC3\xA9 \xE2\x98\x95 (@carol.test) et example.com/docs";
  auto facets = facets_of(text);
  ASSERT_EQ(facets.size(), 2u);
  EXPECT_EQ(facets[0], facet(FacetKind::mention, 11, 22, "carol.test"));
  EXPECT_EQ(facets[1], facet(FacetKind::link, 27, 43, "https://example.com/docs"));
}

TEST(BlueskyFacets, LinksLoseTrailingPunctuation) {
  auto comma = facets_of("Go to https://example.com/a?b=c, then");
  ASSERT_EQ(comma.size(), 1u);
  EXPECT_EQ(comma[0].value, "https://example.com/a?b=c");
  auto parenthesized = facets_of("(https://example.com)");
  ASSERT_EQ(parenthesized.size(), 1u);
  EXPECT_EQ(parenthesized[0], facet(FacetKind::link, 1, 20, "https://example.com"));
  // A closing parenthesis that has its opening one stays.
  auto wiki = facets_of("https://en.wikipedia.org/wiki/C_(language)");
  ASSERT_EQ(wiki.size(), 1u);
  EXPECT_EQ(wiki[0].value, "https://en.wikipedia.org/wiki/C_(language)");
  auto question = facets_of("Seen bsky.app?");
  ASSERT_EQ(question.size(), 1u);
  EXPECT_EQ(question[0], facet(FacetKind::link, 5, 13, "https://bsky.app"));
}

TEST(BlueskyFacets, OnlyRealTopLevelDomainsMakeBareLinks) {
  EXPECT_TRUE(facets_of("read notes.txt, e.g. this, or v1.2.3").empty());
  EXPECT_TRUE(facets_of("http:// nothing").empty());
  auto upper = facets_of("HTTPS://EXAMPLE.COM and Example.Org");
  ASSERT_EQ(upper.size(), 2u);
  EXPECT_EQ(upper[0].value, "HTTPS://EXAMPLE.COM");
  EXPECT_EQ(upper[1].value, "https://Example.Org");
  // A link must start after white space or "(": a word glued to it is not a link.
  EXPECT_TRUE(facets_of("xhttps://example.com").empty());
}

TEST(BlueskyFacets, MentionsNeedAHandleWithADomain) {
  EXPECT_TRUE(facets_of("@bob and @localhost").empty());
  EXPECT_TRUE(facets_of("mail me@example.com").empty());  // an email address, not a mention
  auto dotted = facets_of("cc @dave.test.");
  ASSERT_EQ(dotted.size(), 1u);
  EXPECT_EQ(dotted[0], facet(FacetKind::mention, 3, 13, "dave.test"));
  auto upper = facets_of("@Eve.Bsky.SOCIAL");
  ASSERT_EQ(upper.size(), 1u);
  EXPECT_EQ(upper[0], facet(FacetKind::mention, 0, 16, "eve.bsky.social"));
}

TEST(BlueskyFacets, TagRules) {
  EXPECT_TRUE(facets_of("#123 #2024! a#b #").empty());  // digits only, glued, bare sign
  EXPECT_TRUE(facets_of("#\xEF\xB8\x8F\xE2\x83\xA3 keycap").empty());  // #️⃣
  auto mixed = facets_of("#1a #tag! #c++ #\xE2\x80\x8B");
  ASSERT_EQ(mixed.size(), 3u);
  EXPECT_EQ(mixed[0], facet(FacetKind::tag, 0, 3, "1a"));
  EXPECT_EQ(mixed[1], facet(FacetKind::tag, 4, 8, "tag"));
  EXPECT_EQ(mixed[2].value, "c++");  // + is a symbol, not punctuation
  // A zero-width space ends a tag.
  auto joined = facets_of("#rust\xE2\x80\x8Blang");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].value, "rust");
}

TEST(BlueskyFacets, TagsStopAt64Graphemes) {
  std::string longest(64, 'a');
  auto kept = facets_of("#" + longest);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].value, longest);
  EXPECT_TRUE(facets_of("#" + longest + "b").empty());
  // 64 flags are 64 graphemes but 512 bytes: still a tag.
  std::string flags;
  for (int i = 0; i < 64; ++i) flags += "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
  EXPECT_EQ(facets_of("#" + flags).size(), 1u);
}

TEST(BlueskyFacets, OverlapsKeepTheFirstFacet) {
  auto facets = facets_of("https://example.com/(@bob.com");
  ASSERT_EQ(facets.size(), 1u);
  EXPECT_EQ(facets[0].kind, FacetKind::link);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Random texts built from the pieces facets are made of: every facet found must cover text
// that spells its value, start and end on code point boundaries, and not overlap another.
TEST(BlueskyFacets, EveryFacetOfRandomTextCoversItsValue) {
  // Separated by "|": signs and the fullwidth #; handle, domain and path pieces; a scheme,
  // white space and punctuation; é, 🎉, ZWJ, ZWSP and VS16.
  constexpr std::string_view piece_list =
      "@|#|\xEF\xBC\x83|a|Z|7|.|com|test|-|_|/|https://| |\x0A|(|)|!|,|\xC3\xA9|"
      "\xF0\x9F\x8E\x89|\xE2\x80\x8D|\xE2\x80\x8B|\xEF\xB8\x8F";
  std::vector<std::string_view> pieces;
  for (std::size_t start = 0, bar = 0; bar != std::string_view::npos; start = bar + 1) {
    bar = piece_list.find('|', start);
    pieces.push_back(piece_list.substr(start, bar - start));
  }
  std::mt19937 random(20261204);
  std::uniform_int_distribution<std::size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  std::size_t facets_seen = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int count = length(random); count > 0; --count) text += pieces[piece(random)];
    auto facets = facets_of(text);
    std::size_t previous_end = 0;
    for (const auto& facet : facets) {
      ++facets_seen;
      ASSERT_LT(facet.byte_start, facet.byte_end) << text;
      ASSERT_LE(facet.byte_end, text.size()) << text;
      ASSERT_GE(facet.byte_start, previous_end) << text;
      previous_end = facet.byte_end;
      for (auto boundary : {facet.byte_start, facet.byte_end}) {
        if (boundary < text.size()) {
          ASSERT_NE(static_cast<unsigned char>(text[boundary]) & 0xC0, 0x80) << text;
        }
      }
      auto span = covered(text, facet);
      switch (facet.kind) {
        case FacetKind::link:
          EXPECT_TRUE(span == facet.value || "https://" + span == facet.value) << text;
          break;
        case FacetKind::mention: EXPECT_EQ(lower(span), "@" + facet.value) << text; break;
        case FacetKind::tag:
          EXPECT_TRUE(span == "#" + facet.value || span == "\xEF\xBC\x83" + facet.value) << text;
          break;
      }
    }
  }
  EXPECT_GT(facets_seen, 100u);  // the generator does make facets
}

TEST(BlueskyFacets, InvalidUtf8IsAnError) {
  auto facets = detect_facets("#tag \xC3(");
  ASSERT_FALSE(facets.ok());
  EXPECT_EQ(facets.error().code, core::ErrorCode::invalid_request);
}

TEST(BlueskyFacets, MentionsResolveOnceAndUnknownHandlesDrop) {
  auto facets = facets_of("@alice.test @ghost.test @alice.test #x");
  ASSERT_EQ(facets.size(), 4u);
  EXPECT_EQ(mention_handles(facets), (std::vector<std::string>{"alice.test", "ghost.test"}));
  std::map<std::string, int> calls;
  auto resolved =
      resolve_mentions(facets, [&](std::string_view handle) -> std::optional<std::string> {
        ++calls[std::string(handle)];
        if (handle == "alice.test") return "did:plc:alice";
        return std::nullopt;
      });
  EXPECT_EQ(calls, (std::map<std::string, int>{{"alice.test", 1}, {"ghost.test", 1}}));
  ASSERT_EQ(resolved.size(), 3u);
  EXPECT_EQ(resolved[0].did, "did:plc:alice");
  EXPECT_EQ(resolved[1].byte_start, 24u);
  EXPECT_EQ(resolved[1].did, "did:plc:alice");
  EXPECT_EQ(resolved[2].kind, FacetKind::tag);
  // A resolver that answers something that is not a DID does not make a mention.
  auto junk = resolve_mentions(
      facets, [](std::string_view) { return std::optional<std::string>("alice"); });
  EXPECT_EQ(junk.size(), 1u);
}

TEST(BlueskyFacets, JsonHasTheLexiconShape) {
  std::string text = "h\xC3\xA9 @alice.test https://example.com #tag";
  auto resolved = resolve_mentions(
      facets_of(text), [](std::string_view) { return std::optional<std::string>("did:plc:abc"); });
  auto expected = nlohmann::json::parse(R"([
    {"$type":"app.bsky.richtext.facet","index":{"byteStart":4,"byteEnd":15},
     "features":[{"$type":"app.bsky.richtext.facet#mention","did":"did:plc:abc"}]},
    {"$type":"app.bsky.richtext.facet","index":{"byteStart":16,"byteEnd":35},
     "features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com"}]},
    {"$type":"app.bsky.richtext.facet","index":{"byteStart":36,"byteEnd":40},
     "features":[{"$type":"app.bsky.richtext.facet#tag","tag":"tag"}]}
  ])");
  EXPECT_EQ(facets_to_json(resolved), expected);
  // Unresolved mentions are not sent: a mention feature needs a DID.
  EXPECT_EQ(facets_to_json(facets_of("@alice.test")), nlohmann::json::array());
}

}  // namespace
}  // namespace roost::domain
