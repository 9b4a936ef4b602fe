// The stream matcher: every condition kind, case, Unicode, word boundaries, exclusions, and
// a rebuild swapped in while another thread matches.
#include "ingest/stream_matcher.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace roost::ingest {
namespace {

struct Post {
  std::string text;
  std::string author = "did:plc:author";
  std::vector<std::string_view> langs;
  std::vector<std::string_view> tags;
  std::vector<std::string_view> mentions;

  domain::IncomingPost view() const {
    domain::IncomingPost post;
    post.uri = "at://did:plc:author/app.bsky.feed.post/1";
    post.text = text;
    post.author_did = author;
    post.langs = langs;
    post.tags = tags;
    post.mention_dids = mentions;
    return post;
  }
};

class StreamMatcherTest : public ::testing::Test {
 protected:
  // One stream per query, ids 1, 2, ...
  void streams(std::initializer_list<std::string_view> queries) {
    std::vector<MatchableStream> list;
    std::int64_t id = 1;
    for (auto text : queries) {
      auto query = domain::parse_stream_query(text);
      ASSERT_TRUE(query.ok()) << text << ": " << query.error().message;
      list.push_back({core::StreamId{id++}, *query});
    }
    ASSERT_TRUE(matcher_.rebuild(list).ok());
  }

  std::vector<std::int64_t> matches(const Post& post) {
    std::vector<core::StreamId> found;
    EXPECT_TRUE(session_.match(post.view(), found).ok());
    std::vector<std::int64_t> ids;
    for (auto id : found) ids.push_back(id.value);
    return ids;
  }

  bool hits(std::string_view query, std::string text) {
    streams({query});
    return !matches(Post{std::move(text)}).empty();
  }

  StreamMatcher matcher_;
  MatchSession session_{matcher_};
};

using Ids = std::vector<std::int64_t>;

TEST_F(StreamMatcherTest, NothingMatchesWithoutStreams) {
  EXPECT_TRUE(matches(Post{"roost"}).empty());
  EXPECT_EQ(matcher_.stats().streams, 0u);
}

TEST_F(StreamMatcherTest, KeywordsAreAnyOfCaseInsensitiveAndWholeWords) {
  EXPECT_TRUE(hits("roost OR nest", "A NEST of birds"));
  EXPECT_TRUE(hits("roost", "Roost!"));
  EXPECT_TRUE(hits("roost", "(roost)"));
  EXPECT_FALSE(hits("roost", "roosting birds"));
  EXPECT_FALSE(hits("roost", "theroost"));
  EXPECT_FALSE(hits("roost", "roost_app"));
  EXPECT_TRUE(hits("roost", "roosting but also roost"));  // a later occurrence counts
  EXPECT_TRUE(hits("roost.app", "see roost.app today"));
  EXPECT_FALSE(hits("cat", "concatenate"));
}

TEST_F(StreamMatcherTest, UnicodeCaseAccentsEmojiAndCjk) {
  EXPECT_TRUE(hits("café", "CAFÉ au lait"));
  EXPECT_TRUE(hits("été", "l'Été arrive"));
  EXPECT_FALSE(hits("caf", "café"));  // é is a letter: no boundary inside the word
  EXPECT_FALSE(hits("été", "étés"));
  EXPECT_TRUE(hits("🚀", "launch🚀now"));             // an emoji is its own word
  EXPECT_TRUE(hits("東京", "東京タワーに行った"));  // no spaces in Japanese: no boundary
  EXPECT_TRUE(hits("roost", "roost東京"));
  EXPECT_TRUE(hits("москва", "МОСКВА сегодня"));
  EXPECT_FALSE(hits("москва", "москвариум"));
}

TEST_F(StreamMatcherTest, PhrasesMatchWholeWordsInOrder) {
  EXPECT_TRUE(hits("\"shared inbox\"", "Our Shared Inbox is live"));
  EXPECT_FALSE(hits("\"shared inbox\"", "inbox shared"));
  EXPECT_FALSE(hits("\"shared inbox\"", "shared inboxes"));
}

TEST_F(StreamMatcherTest, HashtagsMatchTheTextAndTheTags) {
  streams({"#roost"});
  EXPECT_EQ(matches(Post{"hello #Roost"}), Ids{1});
  EXPECT_TRUE(matches(Post{"hello #roosting"}).empty());
  EXPECT_TRUE(matches(Post{"hello roost"}).empty());
  EXPECT_TRUE(matches(Post{"a#roost"}).empty());
  Post tagged{"no tag in the text"};
  tagged.tags = {"ROOST"};
  EXPECT_EQ(matches(tagged), Ids{1});
  tagged.tags = {"roosting"};
  EXPECT_TRUE(matches(tagged).empty());
}

// A post's tags are looked up whole, not scanned (ADR 0038): ASCII-caseless and in the
// spellings a term beyond ASCII has, but a longer tag is another tag. A hashtag shared by
// streams reaches each of them once, whether found in the text, the tags or both.
TEST_F(StreamMatcherTest, TagsAreLookedUpWhole) {
  streams({"#roost", "#roost -spam", "#été"});
  Post tagged{"no tag in the text"};
  tagged.tags = {"roost-x"};
  EXPECT_TRUE(matches(tagged).empty());
  tagged.tags = {"Roost", "ROOST"};
  EXPECT_EQ(matches(tagged), (Ids{1, 2}));
  tagged.text = "#roost spam";
  EXPECT_EQ(matches(tagged), Ids{1});
  tagged.text = "hello";
  tagged.tags = {"ÉTÉ"};
  EXPECT_EQ(matches(tagged), Ids{3});
  tagged.tags = {"Été"};
  EXPECT_EQ(matches(tagged), Ids{3});
  tagged.tags = {"étés"};
  EXPECT_TRUE(matches(tagged).empty());
  // Two terms whose spellings meet: the tag reaches both.
  streams({"#été", "#ÉTÉ", "#roost"});
  tagged.tags = {"Été"};
  EXPECT_EQ(matches(tagged), (Ids{1, 2}));
}

// Many hashtags and DID mentions share the lookup table's slots: each tag finds its own
// stream whatever it collided with, and a tag that is none of them finds nothing.
TEST_F(StreamMatcherTest, EachOfManyTagsAndDidsFindsItsOwnStream) {
  constexpr int count = 600;
  std::vector<MatchableStream> list;
  for (int index = 0; index < count; ++index) {
    auto query = domain::parse_stream_query("#tag" + std::to_string(index) + " @did:plc:user" +
                                            std::to_string(index));
    ASSERT_TRUE(query.ok());
    list.push_back({core::StreamId{index + 1}, *query});
  }
  ASSERT_TRUE(matcher_.rebuild(list).ok());
  for (int index = 0; index < count; ++index) {
    const std::string tag = "TAG" + std::to_string(index);
    const std::string did = "did:plc:user" + std::to_string(count - 1 - index);
    Post post{"hello"};
    post.tags = {tag};
    EXPECT_EQ(matches(post), Ids{index + 1}) << tag;
    post.tags.clear();
    post.mentions = {did};
    EXPECT_EQ(matches(post), Ids{count - index}) << did;
  }
  Post stranger{"hello"};
  stranger.tags = {"tag600", "tag", "tag01"};
  stranger.mentions = {"did:plc:user600", "did:plc:user"};
  EXPECT_TRUE(matches(stranger).empty());
}

// Streams whose only terms are mentioned DIDs compile no vectorscan database at all: the
// lookups alone find them.
TEST_F(StreamMatcherTest, StreamsOfMentionedDidsAloneNeedNoDatabase) {
  streams({"@did:plc:alice", "@did:plc:bob OR @did:plc:alice"});
  EXPECT_EQ(matcher_.stats().expressions, 0u);
  EXPECT_EQ(matcher_.stats().database_bytes, 0u);
  Post mentioned{"hello"};
  mentioned.mentions = {"did:plc:bob", "DID:PLC:ALICE"};
  EXPECT_EQ(matches(mentioned), (Ids{1, 2}));
  mentioned.mentions = {"did:plc:carol"};
  EXPECT_TRUE(matches(mentioned).empty());
}

// A literal too long to travel in its own id (over 63 bytes) is read from the table, and its
// boundaries are still checked from where it really starts.
TEST_F(StreamMatcherTest, ALongTermKeepsItsBoundaries) {
  const std::string term = "b" + std::string(298, 'a') + "c";
  domain::StreamQuery query;
  query.keywords = {term};
  const std::vector<MatchableStream> list = {{core::StreamId{4}, query}};
  ASSERT_TRUE(matcher_.rebuild(list).ok());
  EXPECT_EQ(matches(Post{"zz " + term + " zz"}), Ids{4});
  EXPECT_TRUE(matches(Post{"zz" + term + " zz"}).empty());
  EXPECT_TRUE(matches(Post{"zz " + term + "zz"}).empty());
}

TEST_F(StreamMatcherTest, LiteralsThatWouldShareAnIdKeepTheirBoundaries) {
  // Six keywords of one stream with one length pack alike: four take the id's variants, the
  // last two an entry of their own. Terms of 63 and 64 bytes sit either side of the longest
  // length an id holds. Each is found whole and nowhere inside a word, so each hit read its
  // own length back, whichever way its id carries it.
  streams({"kiwi OR lime OR pear OR plum OR sloe OR yuzu",
           std::string(62, 'm') + "n OR " + std::string(63, 'q') + "r"});
  for (std::string_view word : {"kiwi", "lime", "pear", "plum", "sloe", "yuzu"}) {
    const std::string term(word);
    EXPECT_EQ(matches(Post{"a " + term + " b"}), Ids{1}) << term;
    EXPECT_TRUE(matches(Post{"a x" + term + " b"}).empty()) << term;
    EXPECT_TRUE(matches(Post{"a " + term + "x b"}).empty()) << term;
  }
  for (const std::string& term : {std::string(62, 'm') + "n", std::string(63, 'q') + "r"}) {
    EXPECT_EQ(matches(Post{"a " + term + " b"}), Ids{2}) << term.size();
    EXPECT_TRUE(matches(Post{"a x" + term + " b"}).empty()) << term.size();
    EXPECT_TRUE(matches(Post{"a " + term + "x b"}).empty()) << term.size();
  }
}

TEST_F(StreamMatcherTest, MentionsOfHandlesAndDids) {
  streams({"@alice.test", "@did:plc:alice"});
  EXPECT_EQ(matches(Post{"hi @alice.test!"}), Ids{1});
  EXPECT_EQ(matches(Post{"hi @Alice.Test."}), Ids{1});
  EXPECT_TRUE(matches(Post{"hi @alice.test.org"}).empty());
  EXPECT_TRUE(matches(Post{"hi @alice.tester"}).empty());
  EXPECT_TRUE(matches(Post{"hi @alice.test-x"}).empty());
  EXPECT_TRUE(matches(Post{"mail bob@alice.test"}).empty());
  Post mentioned{"hi there"};
  mentioned.mentions = {"did:plc:alice"};
  EXPECT_EQ(matches(mentioned), Ids{2});
  mentioned.mentions = {"did:plc:alicex"};
  EXPECT_TRUE(matches(mentioned).empty());
  // A DID written in the text is not a mention.
  EXPECT_TRUE(matches(Post{"@did:plc:alice"}).empty());
}

TEST_F(StreamMatcherTest, AuthorFilters) {
  streams({"roost from:did:plc:bob", "from:did:plc:carol"});
  Post post{"roost news"};
  post.author = "did:plc:bob";
  EXPECT_EQ(matches(post), Ids{1});
  post.author = "did:plc:dave";
  EXPECT_TRUE(matches(post).empty());
  post.author = "did:plc:carol";
  EXPECT_EQ(matches(post), Ids{2});  // a stream of only an author takes all their posts
}

TEST_F(StreamMatcherTest, LanguageFilters) {
  streams({"roost lang:fr", "roost lang:pt-BR"});
  Post post{"roost"};
  EXPECT_TRUE(matches(post).empty());  // no language said: the filters do not pass
  post.langs = {"fr-CA"};
  EXPECT_EQ(matches(post), Ids{1});
  post.langs = {"en", "FR"};
  EXPECT_EQ(matches(post), Ids{1});
  post.langs = {"pt"};
  EXPECT_TRUE(matches(post).empty());
  post.langs = {"pt-br"};
  EXPECT_EQ(matches(post), Ids{2});
  post.langs = {"frr"};
  EXPECT_TRUE(matches(post).empty());
}

// Every stream's filters are its own, whatever the filters of the streams beside it.
TEST_F(StreamMatcherTest, FiltersOfNeighbouringStreamsStayApart) {
  streams({"roost from:did:plc:bob lang:fr", "roost", "roost lang:DE lang:en-GB",
           "roost from:did:plc:carol from:did:plc:bob", "roost lang:fr"});
  Post post{"roost"};
  post.author = "did:plc:bob";
  EXPECT_EQ(matches(post), (Ids{2, 4}));
  post.langs = {"fr"};
  EXPECT_EQ(matches(post), (Ids{1, 2, 4, 5}));
  post.author = "did:plc:carol";
  post.langs = {"de-AT"};
  EXPECT_EQ(matches(post), (Ids{2, 3, 4}));
  post.author = "did:plc:dave";
  post.langs = {"en"};
  EXPECT_EQ(matches(post), Ids{2});
  post.langs = {"EN-gb"};
  EXPECT_EQ(matches(post), (Ids{2, 3}));
}

TEST_F(StreamMatcherTest, ExclusionsRemoveOnlyTheirStream) {
  streams({"roost -spam", "roost -\"buy now\"", "roost"});
  EXPECT_EQ(matches(Post{"roost SPAM"}), (Ids{2, 3}));
  EXPECT_EQ(matches(Post{"roost spammy"}), (Ids{1, 2, 3}));
  EXPECT_EQ(matches(Post{"roost: Buy Now!"}), (Ids{1, 3}));
  EXPECT_EQ(matches(Post{"roost: buy nowhere"}), (Ids{1, 2, 3}));
}

TEST_F(StreamMatcherTest, StreamsSharingATermShareAPattern) {
  streams({"roost", "ROOST OR nest", "nest -roost"});
  EXPECT_EQ(matcher_.stats().patterns, 2u);
  EXPECT_EQ(matches(Post{"roost"}), (Ids{1, 2}));
  EXPECT_EQ(matches(Post{"nest"}), (Ids{2, 3}));
  EXPECT_GT(matcher_.stats().database_bytes, 0u);
  EXPECT_GT(session_.scratch_bytes(), 0u);
}

// A term's subscribers are held in its literal when it has one (most terms), in the
// pattern's list when shared (ADR 0037): both count each stream once however often the
// term occurs, after an occurrence that fails its boundaries, with exclusions and filters.
TEST_F(StreamMatcherTest, SoleAndSharedTermsCountEachStreamOnce) {
  streams({"roost", "roost OR nest", "nest -roost", "roost lang:fr", "\"roost nest\"",
           "\"roost nest\" -spam", "spam", "solo -duo"});
  EXPECT_EQ(matcher_.stats().patterns, 6u);  // roost, nest, "roost nest", spam, solo, duo
  const std::string text = "roosting roost nest, ROOST roost nest";
  EXPECT_EQ(matches(Post{text}), (Ids{1, 2, 5, 6}));
  Post french{text};
  french.langs = {"fr"};
  EXPECT_EQ(matches(french), (Ids{1, 2, 4, 5, 6}));
  EXPECT_EQ(matches(Post{"roost nest spam"}), (Ids{1, 2, 5, 7}));
  EXPECT_EQ(matches(Post{"nest"}), (Ids{2, 3}));
  EXPECT_TRUE(matches(Post{"roosting nestle spammy"}).empty());
  EXPECT_EQ(matches(Post{"solos solo, SOLO solo"}), Ids{8});
  EXPECT_TRUE(matches(Post{"solo duo solo"}).empty());
  EXPECT_EQ(matches(Post{"solo duos"}), Ids{8});
}

TEST_F(StreamMatcherTest, ATermOverTheLiteralLimitIsRefusedAndTheSnapshotStays) {
  streams({"roost"});
  domain::StreamQuery huge;
  huge.keywords = {std::string(70'000, 'a')};
  const std::vector<MatchableStream> list = {{core::StreamId{9}, huge}};
  EXPECT_FALSE(matcher_.rebuild(list).ok());
  EXPECT_EQ(matches(Post{"roost"}), Ids{1});
}

TEST_F(StreamMatcherTest, MoreFiltersThanAStreamCanHoldAreRefusedAndTheSnapshotStays) {
  streams({"roost"});
  domain::StreamQuery crowded;
  crowded.keywords = {"nest"};
  crowded.languages.assign(70'000, "fr");
  const std::vector<MatchableStream> list = {{core::StreamId{9}, crowded}};
  EXPECT_FALSE(matcher_.rebuild(list).ok());
  EXPECT_EQ(matches(Post{"roost nest"}), Ids{1});
}

TEST_F(StreamMatcherTest, BytesThatAreNotUtf8AreScannedSafely) {
  streams({"roost", "été"});
  EXPECT_EQ(matches(Post{"\xffroost\xc3"}), Ids{1});
  EXPECT_EQ(matches(Post{"\xe9t\xe9 \xc3\xa9t\xc3\xa9"}), Ids{2});
  EXPECT_TRUE(matches(Post{"\xc3"}).empty());
}

TEST_F(StreamMatcherTest, NonAsciiTermsMatchTheirUsualSpellings) {
  streams({"\"été chaud\""});
  EXPECT_TRUE(!matches(Post{"un été chaud"}).empty());
  EXPECT_TRUE(!matches(Post{"ÉTÉ CHAUD"}).empty());
  EXPECT_TRUE(!matches(Post{"Été chaud"}).empty());
  EXPECT_TRUE(!matches(Post{"Été Chaud"}).empty());
  EXPECT_TRUE(!matches(Post{"ÉTÉ chaud"}).empty());  // ASCII letters fold in every form
  EXPECT_TRUE(matches(Post{"éTÉ chaud"}).empty());   // the one spelling not found (ADR 0024)
  EXPECT_EQ(matcher_.stats().patterns, 1u);
  EXPECT_EQ(matcher_.stats().expressions, 3u);  // été chaud, ÉTÉ CHAUD, Été Chaud
}

TEST_F(StreamMatcherTest, ASessionTakesTheNewSnapshotAtItsNextPost) {
  streams({"roost"});
  EXPECT_EQ(matches(Post{"roost nest"}), Ids{1});
  const auto before = session_.revision();
  streams({"nest"});
  EXPECT_EQ(matches(Post{"roost nest"}), Ids{1});  // now stream 1 is "nest"
  EXPECT_GT(session_.revision(), before);
  EXPECT_TRUE(matches(Post{"roost"}).empty());
}

TEST_F(StreamMatcherTest, RebuildsWhileAnotherThreadMatches) {
  streams({"roost"});
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> matched{0};
  std::atomic<bool> failed{false};
  std::thread reader([&] {
    MatchSession session(matcher_);
    Post post{"roost and nest"};
    std::vector<core::StreamId> found;
    while (!stop.load()) {
      found.clear();
      if (!session.match(post.view(), found).ok()) failed = true;
      // Every snapshot has a stream 1 matching this post ("roost" or "nest").
      if (found.empty() || found.front().value != 1) failed = true;
      ++matched;
    }
  });
  for (int round = 0; round < 50; ++round) {
    std::vector<MatchableStream> list;
    list.push_back({core::StreamId{1}, *domain::parse_stream_query(round % 2 ? "nest" : "roost")});
    for (int extra = 0; extra < round; ++extra) {
      list.push_back({core::StreamId{100 + extra},
                      *domain::parse_stream_query("word" + std::to_string(extra))});
    }
    ASSERT_TRUE(matcher_.rebuild(list).ok());
  }
  while (matched.load() < 100) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(matcher_.stats().streams, 50u);
}

}  // namespace
}  // namespace roost::ingest
