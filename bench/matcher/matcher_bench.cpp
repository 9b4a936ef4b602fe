// bench_matcher — issue 5's matcher benchmark (docs/PERFORMANCE.md, "Matcher").
//
// Generates a corpus of realistic posts (words of a built-in vocabulary drawn with Zipf
// frequencies, in six languages, with hashtags, mentions, links and emoji; nothing is
// downloaded), encodes each as a subscribeRepos #commit frame, and generates 10,000 active
// streams the same way. Then, on this one thread (CPU time of the thread):
//   decode        FrameDecoder (blocks_read) alone, every frame
//   decode+match  the same, each post into the listener's PostBatch, each full batch (256)
//                 through ingest::MatchSession, as the firehose listener does
//   match         MatchSession over posts decoded beforehand
//   raw scan      hs_scan of the same texts against the same database, a callback that only
//                 counts: the limit the matcher is read against
// The four phases take turns five times; each keeps its best. Usage: bench_matcher [posts]
// [streams]; BENCH_MATCHER_ONLY=decode or =pipeline runs that phase alone, for a profiler.
#include <hs/hs.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/limits.hpp"
#include "ingest/firehose_frame.hpp"
#include "ingest/post_batch.hpp"
#include "ingest/stream_matcher.hpp"
#include "unit/ingest/cbor_encoder.hpp"

namespace {

using roost::ingest::test::Bytes;
namespace test = roost::ingest::test;
namespace firehose = roost::ingest::firehose;

constexpr std::size_t posts_default = 100'000;
constexpr std::size_t streams_default = 10'000;
// Real vocabularies run to tens of thousands of words; the tail is what streams search for.
constexpr std::size_t words_per_language = 30'000;
constexpr std::size_t stream_words_first_rank = 1'000;
constexpr int rounds = 5;
constexpr int profiled_rounds = 40;
constexpr std::uint64_t seed = 20261204;

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

struct Language {
  std::string tag;
  std::vector<std::string> common;     // real frequent words, the head of the distribution
  std::vector<std::string> syllables;  // the tail: made-up words of the language's sound
  bool spaces = true;
  double share = 0;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<Language> languages() {
  return {
      {"en",
       split("the to and a of is in it you that for on my this with be just so i have but not "
             "are me like at all your was what we can get one out do if about they new now up "
             "more time people good day love today from know no how when will think some see "
             "really want go back would make because going team account post first year work "
             "still great thing why much need right only here even way feel last also best "
             "right after never better every world thanks look something night life home"),
       split("ba be bi bo bu ca ce co da de di do fa fe fi ga go ha he hi ka ke ki la le li lo "
             "ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi "
             "wa we wi ya yo za ze ster ton ing er ly ment ness able"),
       true, 0.50},
      {"pt",
       split("de que o a e do da em um para é com não uma os no se na por mais as dos como mas "
             "foi ao ele das tem à seu sua ou ser quando muito há nos já está eu também só pelo "
             "pela até isso ela entre era depois sem mesmo aos ter seus quem nas me esse eles "
             "estão você tinha foram essa num nem suas meu às minha têm numa pelos elas havia "
             "seja qual será nós tenho lhe deles essas esses pelas este fosse dele tu te vocês "
             "hoje amanhã obrigado coisa gente"),
       split("ção ções nho nha lha lho ão ões ba be bi bo bu da de di do du fa fe fi fo ga go "
             "ja jo la le li lo lu ma me mi mo mu na ne ni no pa pe pi po ra re ri ro sa se si "
             "so ta te ti to va ve vi vo za zé çu"),
       true, 0.15},
      {"de",
       split("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als "
             "auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie "
             "einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sein "
             "wurde sei heute schön danke gut ganz immer wieder schon müssen größer Straße "
             "Grüße"),
       split("ber ger ten lich keit heit ung schaft sch ach ich auf aus ein ver zer ge be ka ko "
             "ku la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to wa we "
             "wi ü ö ä"),
       true, 0.10},
      {"fr",
       split("de la le et les des en un du une que est pour qui dans a par plus pas au sur ne "
             "se ce il sont avec ou son été mais nous comme elle leur on aux ont cette tout ses "
             "deux fait très ça aussi bien être même après où avant sans merci aujourd'hui "
             "déjà café équipe été élève rêve"),
       split("ba be bé bi bo ça ce ché da de dé di do fa fe fé ga gé ja je la le lé li lo ma me "
             "mé mi mo na ne né ni no pa pe pé pi po ra re ré ri ro sa se sé si so ta te té ti "
             "to va ve vé vi eau aux ette ille ment"),
       true, 0.10},
      {"es",
       split("de la que el en y a los del se las por un para con no una su al lo como más pero "
             "sus le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay "
             "donde quien desde todo nos durante todos uno les ni contra otros ese eso ante "
             "ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos "
             "mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros niño "
             "mañana año"),
       split("ba be bi bo bu ca ce ci co cu da de di do du ga go gu ja je jo la le li lo lu ma "
             "me mi mo mu na ne ni no ña ño pa pe pi po ra re ri ro rr sa se si so ta te ti to "
             "za zo ción"),
       true, 0.05},
      {"ja",
       split("の に は を た が で て と し れ さ ある いる も する から な こと として い や "
             "れる など なっ ない この ため その あっ よう また もの という あり まで られ なる "
             "へ か だ これ によって により おり より による ず なり られる において ば なかっ "
             "なく しかし について せ だっ できる それ う ので なお のみ でき き つ における "
             "および いう さらに 東京 今日 明日 写真 仕事 友達 映画 音楽"),
       split("あ い う え お か き く け こ さ し す せ そ た ち つ て と な に ぬ ね の は ひ "
             "ふ へ ほ ま み む め も や ゆ よ ら り る れ ろ わ ん ア イ ウ エ オ カ キ ク ケ コ "
             "サ シ ス セ ソ タ チ ツ テ ト 日 月 火 水 木 金 土 山 川 空"),
       false, 0.10},
  };
}

const std::vector<std::string>& emoji() {
  // Concatenated short literals: clang-format splits long UTF-8 ones again at every pass.
  static const std::vector<std::string> list =
      split(std::string("😂 ❤️ 🤣 👍 😭 🙏 ") + "😘 🥰 😍 😊 🎉 😁 " +
            "💕 🥺 😅 🔥 🤦 🤷 " + "🙄 😆 🤗 😉 🎂 🤔 " +
            "👏 🙂 😳 🥳 😎 👌 " + "💜 😔 💪 ✨ 💖 👀 " + "😋 😏 😢 👉 💗 😩 " + "💯 🌹 💞 🎈 💙 😃 " +
            "😡 💐 😜 🙈 🤞 🚀");
  return list;
}

// Draws ranks 0..n-1 with probability ∝ 1/(rank+2): Zipf's law of word frequencies.
class Zipf {
 public:
  explicit Zipf(std::size_t n) : cumulative_(n) {
    double total = 0;
    for (std::size_t rank = 0; rank < n; ++rank) {
      total += 1.0 / static_cast<double>(rank + 2);
      cumulative_[rank] = total;
    }
    for (auto& value : cumulative_) value /= total;
  }
  std::size_t operator()(std::mt19937_64& random) const {
    const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    auto found = std::lower_bound(cumulative_.begin(), cumulative_.end(), draw);
    return static_cast<std::size_t>(std::min<std::ptrdiff_t>(
        found - cumulative_.begin(), static_cast<std::ptrdiff_t>(cumulative_.size()) - 1));
  }

 private:
  std::vector<double> cumulative_;
};

struct Vocabulary {
  Language language;
  std::vector<std::string> words;  // by rank: the common words, then made-up ones
  Zipf zipf{1};
};

std::vector<Vocabulary> vocabularies(std::mt19937_64& random) {
  std::vector<Vocabulary> out;
  for (auto& language : languages()) {
    Vocabulary vocabulary{language, language.common, Zipf(words_per_language)};
    std::uniform_int_distribution<std::size_t> syllable(0, language.syllables.size() - 1);
    std::uniform_int_distribution<int> length(2, 4);
    std::unordered_set<std::string> seen(vocabulary.words.begin(), vocabulary.words.end());
    while (vocabulary.words.size() < words_per_language) {
      std::string word;
      for (int part = length(random); part > 0; --part)
        word += language.syllables[syllable(random)];
      if (seen.insert(word).second) vocabulary.words.push_back(word);
    }
    out.push_back(std::move(vocabulary));
  }
  return out;
}

std::string did_of(std::size_t user) {
  std::string did = "did:plc:";
  std::mt19937_64 random(user * 7919 + 13);
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  for (int index = 0; index < 24; ++index) did.push_back(alphabet[random() % 32]);
  return did;
}

std::string handle_of(std::size_t user) { return "user" + std::to_string(user) + ".bsky.social"; }

constexpr std::size_t users = 50'000;

struct GeneratedPost {
  std::string text;
  std::string lang;
  std::string author;
  std::vector<std::string> tags;
  std::vector<std::string> mention_dids;
};

// Picks a language by its share.
std::size_t pick_language(const std::vector<Vocabulary>& vocabularies, std::mt19937_64& random) {
  double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random);
  for (std::size_t index = 0; index < vocabularies.size(); ++index) {
    draw -= vocabularies[index].language.share;
    if (draw <= 0) return index;
  }
  return 0;
}

GeneratedPost generate_post(const std::vector<Vocabulary>& vocabularies, const Zipf& tag_zipf,
                            const Zipf& user_zipf, std::mt19937_64& random) {
  const auto& vocabulary = vocabularies[pick_language(vocabularies, random)];
  GeneratedPost post;
  post.lang = vocabulary.language.tag;
  post.author = did_of(user_zipf(random));
  std::uniform_int_distribution<int> word_count(4, 30);
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  const std::string separator = vocabulary.language.spaces ? " " : "";
  const int count = word_count(random);
  for (int index = 0; index < count; ++index) {
    if (index > 0) post.text += separator;
    std::string word = vocabulary.words[vocabulary.zipf(random)];
    if (index == 0 && vocabulary.language.spaces && !word.empty() && word[0] >= 'a' &&
        word[0] <= 'z') {
      word[0] = static_cast<char>(word[0] - 'a' + 'A');
    }
    post.text += word;
    if (chance(random) < 0.04) post.text += vocabulary.language.spaces ? "," : "、";
  }
  post.text += vocabulary.language.spaces ? "." : "。";
  if (chance(random) < 0.25) post.text += " " + emoji()[random() % emoji().size()];
  if (chance(random) < 0.15) {
    const std::size_t user = user_zipf(random);
    post.text += " @" + handle_of(user);
    post.mention_dids.push_back(did_of(user));
  }
  if (chance(random) < 0.30) {
    const auto& words = vocabularies[0].words;
    const std::string tag = words[std::min(words.size() - 1, tag_zipf(random) + 40)];
    post.text += " #" + tag;
    post.tags.push_back(tag);
  }
  if (chance(random) < 0.10)
    post.text += " https://example.com/p/" + std::to_string(random() % 1000);
  return post;
}

Bytes frame_of(const GeneratedPost& post, std::int64_t seq) {
  test::Entries record = {{"$type", test::text("app.bsky.feed.post")},
                          {"text", test::text(post.text)},
                          {"createdAt", test::text("2026-12-04T09:30:00.000Z")},
                          {"langs", test::array({test::text(post.lang)})}};
  std::vector<Bytes> facets;
  for (const auto& did : post.mention_dids) {
    facets.push_back(test::map(
        {{"index", test::map({{"byteStart", test::integer(0)}, {"byteEnd", test::integer(1)}})},
         {"features",
          test::array({test::map({{"$type", test::text("app.bsky.richtext.facet#mention")},
                                  {"did", test::text(did)}})})}}));
  }
  for (const auto& tag : post.tags) {
    facets.push_back(test::map(
        {{"index", test::map({{"byteStart", test::integer(0)}, {"byteEnd", test::integer(1)}})},
         {"features", test::array({test::map({{"$type", test::text("app.bsky.richtext.facet#tag")},
                                              {"tag", test::text(tag)}})})}}));
  }
  if (!facets.empty()) record.emplace_back("facets", test::array_of(facets));
  const test::Block post_block = test::block(test::map(std::move(record)));
  const test::Block commit = test::block(test::map({{"did", test::text(post.author)}}));
  std::vector<test::Block> blocks = {commit, post_block};
  for (int node = 0; node < 2; ++node) {
    std::vector<Bytes> entries;
    for (int entry = 0; entry < 4; ++entry) {
      entries.push_back(test::map({{"k", test::bytes(Bytes(24, static_cast<std::uint8_t>(entry)))},
                                   {"p", test::integer(entry * 3)},
                                   {"t", test::null()},
                                   {"v", test::link(post_block.cid)}}));
    }
    blocks.push_back(test::block(test::map({{"e", test::array_of(entries)},
                                            {"l", test::link(post_block.cid)},
                                            {"n", test::integer(node)}})));
  }
  const Bytes op = test::map({{"action", test::text("create")},
                              {"path", test::text("app.bsky.feed.post/3k" + std::to_string(seq))},
                              {"cid", test::link(post_block.cid)}});
  const Bytes body = test::map({
      {"seq", test::integer(seq)},
      {"rebase", test::boolean(false)},
      {"tooBig", test::boolean(false)},
      {"repo", test::text(post.author)},
      {"commit", test::link(commit.cid)},
      {"rev", test::text("3kb")},
      {"since", test::text("3ka")},
      {"blocks", test::bytes(test::car({commit.cid}, blocks))},
      {"ops", test::array({op})},
      {"blobs", test::array({})},
      {"time", test::text("2026-12-04T09:30:02.000Z")},
  });
  const Bytes header = test::map({{"op", test::integer(1)}, {"t", test::text("#commit")}});
  return test::concat({header, body});
}

// A stream as a team would write it: brand-like words of the middle of the vocabulary (the
// most frequent words are nobody's search), sometimes a phrase, a hashtag, a mention, an
// exclusion, a language or an author.
std::string generate_query(const std::vector<Vocabulary>& vocabularies, std::mt19937_64& random) {
  const auto& vocabulary = vocabularies[pick_language(vocabularies, random)];
  std::uniform_int_distribution<std::size_t> middle(stream_words_first_rank,
                                                    words_per_language - 1);
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  std::string query;
  const int keywords = 1 + static_cast<int>(random() % 3);
  for (int index = 0; index < keywords; ++index) {
    if (!query.empty()) query += " OR ";
    query += vocabulary.words[middle(random)];
  }
  if (vocabulary.language.spaces && chance(random) < 0.2) {
    const std::size_t first = middle(random) / 4;
    query += " OR \"" + vocabulary.words[first] + " " + vocabulary.words[first + 1] + "\"";
  }
  if (chance(random) < 0.2) query += " #" + vocabularies[0].words[40 + random() % 400];
  if (chance(random) < 0.05) query += " @" + handle_of(random() % users);
  if (chance(random) < 0.10) query += " -" + vocabulary.words[middle(random)];
  if (chance(random) < 0.10) query += " lang:" + vocabulary.language.tag;
  if (chance(random) < 0.02) query += " from:" + did_of(random() % users);
  return query;
}

struct Decoded {
  std::string uri;
  std::string cid;
  std::string author;
  std::string text;
  std::vector<std::string> langs;
  std::vector<std::string> tags;
  std::vector<std::string> mentions;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_matcher: %s\n", what.c_str());
  std::exit(1);
}

template <class Work>
double seconds_of(Work work) {
  const double start = thread_cpu_seconds();
  work();
  return thread_cpu_seconds() - start;
}

int count_hit(unsigned int, unsigned long long, unsigned long long, unsigned int, void* context) {
  ++*static_cast<std::size_t*>(context);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t post_count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : posts_default;
  const std::size_t stream_count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : streams_default;
  std::mt19937_64 random(seed);
  const auto vocabularies_list = vocabularies(random);
  const Zipf tag_zipf(2'000);
  const Zipf user_zipf(users);

  std::vector<Bytes> frames;
  std::size_t text_bytes = 0;
  std::size_t frame_bytes = 0;
  frames.reserve(post_count);
  for (std::size_t index = 0; index < post_count; ++index) {
    const auto post = generate_post(vocabularies_list, tag_zipf, user_zipf, random);
    text_bytes += post.text.size();
    frames.push_back(frame_of(post, static_cast<std::int64_t>(index + 1)));
    frame_bytes += frames.back().size();
  }

  std::vector<roost::ingest::MatchableStream> streams;
  for (std::size_t index = 0; streams.size() < stream_count; ++index) {
    const std::string text = generate_query(vocabularies_list, random);
    auto query = roost::domain::parse_stream_query(text);
    if (!query) fail("generated an invalid query: " + text + ": " + query.error().message);
    streams.push_back({roost::core::StreamId{static_cast<std::int64_t>(index + 1)}, *query});
  }
  roost::ingest::StreamMatcher matcher;
  const double compile_start = thread_cpu_seconds();
  if (auto built = matcher.rebuild(streams); !built) fail(built.error().message);
  const double compile_seconds = thread_cpu_seconds() - compile_start;
  roost::ingest::MatchSession session(matcher);

  firehose::FrameDecoder decoder(roost::ingest::BlockCheck::blocks_read);
  firehose::Frame frame;
  std::vector<roost::core::StreamId> found;
  std::size_t matched = 0;
  std::size_t posts_seen = 0;

  const auto decode_phase = [&] {
    for (const auto& message : frames) {
      if (!decoder.decode(message, frame).ok()) fail("a frame did not decode");
    }
  };
  // As the firehose listener does it (FirehoseConsumer, StreamsSink::accept): each post of a
  // decoded frame copied into the PostBatch (its at:// URI and CID string built), and a full
  // batch (ingest_batch_posts_max, what a busy firehose hands over) matched post by post.
  roost::ingest::PostBatch batch;
  const auto match_batch = [&] {
    for (const auto& post : batch.views()) {
      found.clear();
      if (!session.match(post, found).ok()) fail("match failed");
      matched += found.size();
      ++posts_seen;
    }
    batch.clear();
  };
  const auto pipeline_phase = [&] {
    matched = 0;
    posts_seen = 0;
    for (const auto& message : frames) {
      if (!decoder.decode(message, frame).ok()) fail("a frame did not decode");
      for (const auto& op : frame.commit.ops) {
        if (op.record == firehose::RecordStatus::post) batch.add_firehose_post(frame.commit, op);
      }
      if (batch.size() >= roost::core::limits::ingest_batch_posts_max) match_batch();
    }
    match_batch();
  };

  // BENCH_MATCHER_ONLY=decode|pipeline: that phase alone, forty rounds, nothing printed —
  // what `perf record` should watch (docs/PERFORMANCE.md).
  if (const char* only = std::getenv("BENCH_MATCHER_ONLY")) {
    const bool decode_only = std::string(only) == "decode";
    for (int round = 0; round < profiled_rounds; ++round) {
      if (decode_only) {
        decode_phase();
      } else {
        pipeline_phase();
      }
    }
    return 0;
  }
  // The decoded posts kept, for the match-only and raw-scan phases.
  std::vector<Decoded> decoded;
  decoded.reserve(frames.size());
  for (const auto& message : frames) {
    if (!decoder.decode(message, frame).ok()) fail("a frame did not decode");
    const auto& op = frame.commit.ops.front();
    Decoded post{"", "", std::string(frame.commit.repo), std::string(op.post.text), {}, {}, {}};
    for (auto lang : op.post.langs) post.langs.emplace_back(lang);
    for (auto tag : op.post.tags) post.tags.emplace_back(tag);
    for (auto did : op.post.mention_dids) post.mentions.emplace_back(did);
    decoded.push_back(std::move(post));
  }
  std::vector<std::vector<std::string_view>> langs(decoded.size());
  std::vector<std::vector<std::string_view>> tags(decoded.size());
  std::vector<std::vector<std::string_view>> mentions(decoded.size());
  std::vector<roost::domain::IncomingPost> posts(decoded.size());
  for (std::size_t index = 0; index < decoded.size(); ++index) {
    const auto& post = decoded[index];
    langs[index].assign(post.langs.begin(), post.langs.end());
    tags[index].assign(post.tags.begin(), post.tags.end());
    mentions[index].assign(post.mentions.begin(), post.mentions.end());
    posts[index].author_did = post.author;
    posts[index].text = post.text;
    posts[index].langs = langs[index];
    posts[index].tags = tags[index];
    posts[index].mention_dids = mentions[index];
  }
  std::size_t matched_only = 0;
  const auto match_phase = [&] {
    matched_only = 0;
    for (const auto& post : posts) {
      found.clear();
      if (!session.match(post, found).ok()) fail("match failed");
      matched_only += found.size();
    }
  };

  const auto snapshot_stats = matcher.stats();
  std::size_t raw_hits = 0;
  hs_scratch_t* scratch = nullptr;
  const hs_database_t* database = roost::ingest::database_of(*matcher.snapshot());
  if (database == nullptr || hs_alloc_scratch(database, &scratch) != HS_SUCCESS) {
    fail("no database to scan");
  }
  const auto raw_phase = [&] {
    raw_hits = 0;
    for (const auto& post : decoded) {
      if (hs_scan(database, post.text.data(), static_cast<unsigned int>(post.text.size()), 0,
                  scratch, count_hit, &raw_hits) != HS_SUCCESS) {
        fail("hs_scan failed");
      }
    }
  };
  // The phases take turns, round after round, each keeping its best time: on a shared
  // machine a burst of load then hits all four alike rather than one (the ratios compare
  // them).
  double decode_seconds = 1e300;
  double pipeline_seconds = 1e300;
  double match_seconds = 1e300;
  double raw_seconds = 1e300;
  for (int round = 0; round < rounds; ++round) {
    decode_seconds = std::min(decode_seconds, seconds_of(decode_phase));
    pipeline_seconds = std::min(pipeline_seconds, seconds_of(pipeline_phase));
    match_seconds = std::min(match_seconds, seconds_of(match_phase));
    raw_seconds = std::min(raw_seconds, seconds_of(raw_phase));
  }
  if (posts_seen != post_count) fail("not every frame held its post");
  if (matched_only != matched) fail("the match-only phase found other matches");
  std::size_t scratch_bytes = 0;
  hs_scratch_size(scratch, &scratch_bytes);
  hs_free_scratch(scratch);

  const auto rate = [&](double seconds) { return static_cast<double>(post_count) / seconds; };
  std::printf("corpus: %zu posts, %.1f text bytes/post, %.0f frame bytes/post (6 languages)\n",
              post_count, static_cast<double>(text_bytes) / post_count,
              static_cast<double>(frame_bytes) / post_count);
  std::printf("streams: %zu active, %zu distinct terms, %zu literals, compiled in %.2f s (CPU)\n",
              snapshot_stats.streams, snapshot_stats.patterns, snapshot_stats.expressions,
              compile_seconds);
  std::printf("database: %zu bytes (hs_database_size); scratch: %zu bytes (session %zu)\n",
              snapshot_stats.database_bytes, scratch_bytes, session.scratch_bytes());
  std::printf("matches: %.3f streams/post; raw literal hits: %.2f/post\n",
              static_cast<double>(matched) / post_count,
              static_cast<double>(raw_hits) / post_count);
  std::printf("decode alone:        %10.0f posts/s (%.2f us/post)\n", rate(decode_seconds),
              decode_seconds * 1e6 / post_count);
  std::printf("decode + match:      %10.0f posts/s (%.2f us/post)   target >= 200000\n",
              rate(pipeline_seconds), pipeline_seconds * 1e6 / post_count);
  std::printf("match alone:         %10.0f posts/s (%.2f us/post)\n", rate(match_seconds),
              match_seconds * 1e6 / post_count);
  std::printf("raw hs_scan (limit): %10.0f posts/s (%.2f us/post)\n", rate(raw_seconds),
              raw_seconds * 1e6 / post_count);
  std::printf("ratio decode+match / raw scan: %.2f   target >= 0.50\n",
              raw_seconds / pipeline_seconds);
  std::printf("ratio match / raw scan:        %.2f\n", raw_seconds / match_seconds);
  return 0;
}
