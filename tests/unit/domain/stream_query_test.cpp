// The stream query: the search-box syntax, the structured fields, their limits and errors,
// and the canonical round trip.
#include "domain/stream_query.hpp"

#include <gtest/gtest.h>

#include "core/limits.hpp"

namespace roost::domain {
namespace {

using Terms = std::vector<std::string>;

StreamQuery parsed(std::string_view text) {
  auto query = parse_stream_query(text);
  EXPECT_TRUE(query.ok()) << text << ": " << (query.ok() ? "" : query.error().message);
  return query.ok() ? *query : StreamQuery{};
}

// The error's message, which must name the problem.
std::string refusal(std::string_view text) {
  auto query = parse_stream_query(text);
  EXPECT_FALSE(query.ok()) << text << " was accepted";
  if (query.ok()) return {};
  EXPECT_EQ(query.error().code, core::ErrorCode::invalid_request);
  return query.error().message;
}

TEST(StreamQuery, ParsesEveryKindOfTerm) {
  auto query = parsed(
      R"(roost OR "shared inbox" #roost @alice.test from:did:plc:bob123 -spam -"buy now" lang:fr)");
  EXPECT_EQ(query.keywords, Terms{"roost"});
  EXPECT_EQ(query.phrases, Terms{"shared inbox"});
  EXPECT_EQ(query.hashtags, Terms{"roost"});
  EXPECT_EQ(query.mentions, Terms{"alice.test"});
  EXPECT_EQ(query.authors, Terms{"did:plc:bob123"});
  EXPECT_EQ(query.excluded_words, Terms{"spam"});
  EXPECT_EQ(query.excluded_phrases, Terms{"buy now"});
  EXPECT_EQ(query.languages, Terms{"fr"});
  EXPECT_EQ(query.term_count(), 8u);
}

TEST(StreamQuery, AcceptsUnicodeHandlesDidsAndDropsDuplicates) {
  auto query = parsed("café Café 東京 🚀 #été @did:plc:abc from:bob.test lang:PT-br lang:pt-BR");
  EXPECT_EQ(query.keywords, (Terms{"café", "東京", "🚀"}));
  EXPECT_EQ(query.hashtags, Terms{"été"});
  EXPECT_EQ(query.mentions, Terms{"did:plc:abc"});
  EXPECT_EQ(query.authors, Terms{"bob.test"});
  EXPECT_EQ(query.languages, Terms{"pt-BR"});
}

TEST(StreamQuery, CollapsesWhiteSpaceInsidePhrases) {
  EXPECT_EQ(parsed("\"  shared \t\n inbox \"").phrases, Terms{"shared inbox"});
}

TEST(StreamQuery, RoundTripsThroughTheCanonicalForm) {
  for (std::string_view text :
       {R"(roost OR "shared inbox" #roost @alice.test from:bob.test -spam -"buy now" lang:fr)",
        "from:did:plc:xyz", "-#spam #roost", "a b c -x -y lang:en lang:de-AT", "\"only a phrase\"",
        "@did:web:example.com -@bob.test ünïcode"}) {
    const auto first = parsed(text);
    const std::string canonical = format_stream_query(first);
    const auto second = parsed(canonical);
    EXPECT_EQ(first, second) << text << " -> " << canonical;
    EXPECT_EQ(format_stream_query(second), canonical);
  }
  EXPECT_EQ(format_stream_query(parsed("-spam lang:fr roost #x \"a b\" from:bob.test")),
            "roost OR \"a b\" OR #x from:bob.test -spam lang:fr");
}

TEST(StreamQuery, NamesEachProblem) {
  EXPECT_NE(refusal("roost \"shared inbox").find("quote is not closed"), std::string::npos);
  EXPECT_NE(refusal("\"\"").find("phrase"), std::string::npos);
  EXPECT_NE(refusal("roost -").find("'-' must be followed"), std::string::npos);
  EXPECT_NE(refusal("#").find("hashtag"), std::string::npos);
  EXPECT_NE(refusal("@not_a_handle").find("neither a handle"), std::string::npos);
  EXPECT_NE(refusal("from:").find("from:"), std::string::npos);
  EXPECT_NE(refusal("roost lang:english").find("lang:english is not a language tag"),
            std::string::npos);
  EXPECT_NE(refusal("-spam lang:fr").find("needs a keyword"), std::string::npos);
  EXPECT_NE(refusal("").find("needs a keyword"), std::string::npos);
  EXPECT_NE(refusal("roost -from:bob.test").find("cannot be excluded"), std::string::npos);
  EXPECT_NE(refusal("\"a\"b").find("followed by a space"), std::string::npos);
  EXPECT_NE(refusal("ro\"ost").find("double quote"), std::string::npos);
  EXPECT_NE(refusal("roost \xff").find("UTF-8"), std::string::npos);
  EXPECT_NE(refusal("roost\x01").find("control"), std::string::npos);
}

TEST(StreamQuery, ErrorsCarryTheColumn) {
  auto query = parse_stream_query("roost #");
  ASSERT_FALSE(query.ok());
  ASSERT_EQ(query.error().details.size(), 1u);
  EXPECT_EQ(query.error().details[0].field, "query");
  EXPECT_EQ(query.error().details[0].column, 7);
}

TEST(StreamQuery, IsBounded) {
  EXPECT_NE(refusal(std::string(core::limits::stream_query_bytes_max + 1, 'a')).find("longer"),
            std::string::npos);
  EXPECT_NE(refusal(std::string(core::limits::stream_term_bytes_max + 1, 'a')).find("longer"),
            std::string::npos);
  std::string many;
  for (std::size_t index = 0; index <= core::limits::stream_query_terms_max; ++index) {
    many += "w" + std::to_string(index) + " ";
  }
  EXPECT_NE(refusal(many).find("more than"), std::string::npos);
  many.resize(0);
  for (std::size_t index = 0; index < core::limits::stream_query_terms_max; ++index) {
    many += "w" + std::to_string(index) + " ";
  }
  EXPECT_EQ(parsed(many).term_count(), core::limits::stream_query_terms_max);
}

// What is saved is the canonical form: a query whose canonical form would be over the limit
// is refused, even when what was typed is under it, so that every saved query parses again.
TEST(StreamQuery, TheCanonicalFormStaysWithinTheLimit) {
  // 40 keywords of 22 bytes: 919 bytes typed with spaces, 1,036 joined by " OR ".
  StreamQuery structured;
  std::string typed;
  for (std::size_t index = 0; index < core::limits::stream_query_terms_max; ++index) {
    std::string word = "keyword" + std::to_string(index);
    word.resize(22, 'x');
    typed += (index == 0 ? "" : " ") + word;
    structured.keywords.push_back(word);
  }
  ASSERT_LE(typed.size(), core::limits::stream_query_bytes_max);
  EXPECT_NE(refusal(typed).find("written out in full"), std::string::npos);
  auto normalized = normalize_stream_query(structured);
  ASSERT_FALSE(normalized.ok());
  EXPECT_NE(normalized.error().message.find("written out in full"), std::string::npos);

  // Exactly at the limit once written out: accepted, and the saved form parses back.
  typed.clear();
  structured.keywords.clear();
  std::size_t written = 0;
  for (std::size_t index = 0; index < 10; ++index) {
    const std::size_t separator = index == 0 ? 0 : 4;  // " OR "
    const std::size_t length =
        index < 9 ? 96 : core::limits::stream_query_bytes_max - written - separator;
    std::string word = "k" + std::to_string(index);
    word.resize(length, 'y');
    typed += (index == 0 ? "" : " ") + word;
    written += separator + word.size();
  }
  const StreamQuery at_limit = parsed(typed);
  const std::string canonical = format_stream_query(at_limit);
  EXPECT_EQ(canonical.size(), core::limits::stream_query_bytes_max);
  EXPECT_EQ(parsed(canonical), at_limit);
}

TEST(StreamQuery, NormalizesStructuredFieldsWithTheSameRules) {
  StreamQuery fields;
  fields.keywords = {" roost ", "ROOST"};
  fields.hashtags = {"#roost"};
  fields.mentions = {"@alice.test"};
  fields.phrases = {"shared   inbox"};
  fields.languages = {"FR"};
  auto query = normalize_stream_query(fields);
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->keywords, Terms{"roost"});
  EXPECT_EQ(query->hashtags, Terms{"roost"});
  EXPECT_EQ(query->mentions, Terms{"alice.test"});
  EXPECT_EQ(query->phrases, Terms{"shared inbox"});
  EXPECT_EQ(query->languages, Terms{"fr"});
  EXPECT_EQ(*parse_stream_query(format_stream_query(*query)), *query);

  fields.keywords = {"roost", "two words"};
  auto refused = normalize_stream_query(fields);
  ASSERT_FALSE(refused.ok());
  ASSERT_EQ(refused.error().details.size(), 1u);
  EXPECT_EQ(refused.error().details[0].field, "keywords[1]");
  EXPECT_NE(refused.error().message.find("more than one word"), std::string::npos);

  StreamQuery only_filters;
  only_filters.languages = {"fr"};
  EXPECT_FALSE(normalize_stream_query(only_filters).ok());
  StreamQuery operator_word;
  operator_word.keywords = {"OR"};
  EXPECT_FALSE(normalize_stream_query(operator_word).ok());
}

TEST(StreamQuery, TellsDidsAndHandles) {
  EXPECT_TRUE(is_did("did:plc:ewvi7nxzyoun6zhxrhs64oiz"));
  EXPECT_TRUE(is_did("did:web:example.com"));
  EXPECT_FALSE(is_did("did:plc:"));
  EXPECT_FALSE(is_did("did::abc"));
  EXPECT_FALSE(is_did("did:PLC:abc"));
  EXPECT_TRUE(is_handle("alice.bsky.social"));
  EXPECT_TRUE(is_handle("bob.test"));
  EXPECT_FALSE(is_handle("alice"));
  EXPECT_FALSE(is_handle("alice..test"));
  EXPECT_FALSE(is_handle("-alice.test"));
  EXPECT_FALSE(is_handle("al_ice.test"));
}

}  // namespace
}  // namespace roost::domain
