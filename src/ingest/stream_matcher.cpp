#include "ingest/stream_matcher.hpp"

#include <hs/hs.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "core/ascii.hpp"

namespace roost::ingest {

namespace {

// Where a term is looked for: keywords, phrases and handle mentions in the text, by the
// scan; hashtags in the text and, by lookup, among the post's tags; mentioned DIDs among the
// post's mentioned DIDs, by lookup only (ADR 0038).
enum class Region : std::uint8_t { text, text_and_tags, mentioned_dids };

struct Subscriber {
  std::uint32_t stream = 0;
  bool exclusion = false;
};

// One literal of the database, holding all a hit reads in 8 bytes (ADR 0037): a spelling of
// a pattern (ADR 0024: its lower, UPPER and Title case forms when it has letters beyond
// ASCII), which of its ends are word boundaries, and its subscriber when it has only one, as
// most terms do. A hit starts `bytes` before its end. The builder's drafts use one as the
// pattern's shape (boundaries only); a tag's or DID's lookup entry uses only its subscriber.
struct Literal {
  std::uint32_t target = 0;         // the one subscriber's stream; when `shared`, its list
  std::uint16_t bytes = 0;          // see literal_bytes_max
  bool left_boundary : 1 = false;   // the code point before must not continue a word
  bool right_boundary : 1 = false;  // the code point after must not continue a word
  bool handle_end : 1 = false;      // after a handle: no '-', and a '.' only ending a sentence
  bool exclusion : 1 = false;       // the one subscriber's kind, unless `shared`
  bool shared : 1 = false;          // more than one subscriber: `target` is where their list is
};
static_assert(sizeof(Literal) == 8, "a hit reads one literal: keep it small");
// Far above any term the query parser accepts (core::limits::stream_term_bytes_max).
constexpr std::size_t literal_bytes_max = 0xffff;

// A literal's id in the database, which vectorscan hands to the hit callback: the literal
// itself when it fits in 31 bits, so that a hit reads no table at all (ADR 0038); else the
// index of its entry in `literals`, with the top bit set. Ids must differ (see compile());
// literals that would pack alike — a term's spellings in lower, UPPER and Title case have
// the same length, two keywords of a stream may — tell themselves apart by a variant number,
// which a hit ignores.
//   bits 0-17 target, 18-23 bytes, 24-25 variant, 26-30 the flags, 31 clear
constexpr std::uint32_t id_indirect = 0x8000'0000U;
constexpr std::uint32_t id_target_max = 0x3'ffff;
constexpr std::uint32_t id_bytes_max = 0x3f;
constexpr std::uint32_t id_variants = 4;

std::optional<std::uint32_t> packed_id(const Literal& literal, std::uint32_t variant) {
  if (literal.target > id_target_max || literal.bytes > id_bytes_max || variant >= id_variants) {
    return std::nullopt;
  }
  return literal.target | (std::uint32_t{literal.bytes} << 18) | (variant << 24) |
         (std::uint32_t{literal.left_boundary} << 26) |
         (std::uint32_t{literal.right_boundary} << 27) | (std::uint32_t{literal.handle_end} << 28) |
         (std::uint32_t{literal.exclusion} << 29) | (std::uint32_t{literal.shared} << 30);
}

Literal unpacked_literal(std::uint32_t id) {
  Literal literal;
  literal.target = id & id_target_max;
  literal.bytes = static_cast<std::uint16_t>((id >> 18) & id_bytes_max);
  literal.left_boundary = ((id >> 26) & 1U) != 0;
  literal.right_boundary = ((id >> 27) & 1U) != 0;
  literal.handle_end = ((id >> 28) & 1U) != 0;
  literal.exclusion = ((id >> 29) & 1U) != 0;
  literal.shared = ((id >> 30) & 1U) != 0;
  return literal;
}

// The hashtags' and DID mentions' spellings, to be found among a post's tags and mentioned
// DIDs whole (ADR 0038): "#tag" and "@did" in ASCII lower case, compared ASCII-caseless as
// the scan compares. Open addressing, probed linearly, a slot per spelling and subscriber
// entry (two terms may share a spelling): a lookup reads a slot or two and one key, not a
// chain of nodes, and hashes while it folds case, copying nothing.
class TermLookups {
 public:
  void add(std::string key, Literal literal) { pending_.emplace_back(std::move(key), literal); }

  void build() {
    std::size_t size = 2;
    while (size < pending_.size() * 2) size *= 2;
    bits_ = static_cast<int>(std::countr_zero(size));
    slots_.assign(pending_.empty() ? 0 : size, Slot{});
    for (const auto& [key, literal] : pending_) {
      const std::uint64_t hash = hash_of(key[0], std::string_view(key).substr(1));
      std::size_t index = slot_of(hash);
      while (slots_[index].hash != 0) index = (index + 1) & (slots_.size() - 1);
      slots_[index] = {hash, static_cast<std::uint32_t>(keys_.size()),
                       static_cast<std::uint32_t>(key.size()), literal};
      keys_ += key;
    }
    pending_.clear();
    pending_.shrink_to_fit();
  }

  bool empty() const { return slots_.empty(); }

  // Calls found(literal) for each entry of `sigil` + `item`.
  template <class Found>
  void find(char sigil, std::string_view item, Found found) const {
    if (slots_.empty()) return;
    const std::uint64_t hash = hash_of(sigil, item);
    for (std::size_t index = slot_of(hash); slots_[index].hash != 0;
         index = (index + 1) & (slots_.size() - 1)) {
      const Slot& slot = slots_[index];
      if (slot.hash != hash || slot.key_size != item.size() + 1) continue;
      const char* key = keys_.data() + slot.key_offset;
      if (key[0] != sigil) continue;
      bool same = true;
      for (std::size_t at = 0; at < item.size() && same; ++at) {
        same = core::ascii_lower(item[at]) == key[at + 1];
      }
      if (same) found(slot.literal);
    }
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;  // never 0 once used
    std::uint32_t key_offset = 0;
    std::uint32_t key_size = 0;
    Literal literal;
  };

  // FNV-1a of the key as stored (the item folded to lower case).
  static std::uint64_t hash_of(char sigil, std::string_view item) {
    constexpr std::uint64_t prime = 0x100000001b3ULL;
    std::uint64_t hash = (0xcbf29ce484222325ULL ^ static_cast<unsigned char>(sigil)) * prime;
    for (char c : item) hash = (hash ^ static_cast<unsigned char>(core::ascii_lower(c))) * prime;
    return hash | 1;
  }
  std::size_t slot_of(std::uint64_t hash) const {
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ULL) >> (64 - bits_));
  }

  std::vector<Slot> slots_;  // a power of two, at most half full
  int bits_ = 0;
  std::string keys_;
  std::vector<std::pair<std::string, Literal>> pending_;
};

// A stream as a candidate reads it, in 16 bytes: what a match returns, and where its from:
// and lang: filters are in CompiledStreams::filter_values (its authors' DIDs from
// `first_filter`, then its languages in lower case).
struct StreamEntry {
  core::StreamId id;
  std::uint32_t first_filter = 0;
  std::uint16_t authors = 0;
  std::uint16_t languages = 0;
};
// Far above what the query parser accepts (core::limits::stream_query_terms_max).
constexpr std::size_t filters_per_kind_max = 0xffff;

}  // namespace

struct CompiledStreams {
  hs_database_t* database = nullptr;
  std::size_t pattern_count = 0;  // distinct terms
  std::vector<Literal> literals;  // every literal compiled; a hit reads it by id_indirect
  // The post's tags ("#" and the tag) and mentioned DIDs ("@" and the DID), ASCII lower case,
  // to the subscriber of the hashtag or mention they are.
  TermLookups lookups;
  // The subscribers of the terms more than one stream has, term after term, each list after
  // an entry holding its length (in `stream`): a shared literal's target is where its list's
  // length is, so a hit reads the list and nothing before it.
  std::vector<Subscriber> shared_lists;
  // By stream index. All the filters' values are in one array, languages short enough to sit
  // inside their strings: a candidate is one read, its filters a second, no pointer chased.
  std::vector<StreamEntry> streams;
  std::vector<std::string> filter_values;
  // Streams with a from: filter and no literal term, by author DID (sorted): a post by one
  // of them is a candidate without a hit.
  std::vector<std::pair<std::string, std::uint32_t>> author_only;
  std::uint64_t revision = 0;
  std::size_t database_bytes = 0;

  CompiledStreams() = default;
  CompiledStreams(const CompiledStreams&) = delete;
  CompiledStreams& operator=(const CompiledStreams&) = delete;
  ~CompiledStreams() {
    if (database != nullptr) hs_free_database(database);
  }
};

namespace {

// Scripts written without spaces between words: a term of theirs has no word boundary to
// respect, and one of their characters next to a Latin term does not glue to it.
bool spaceless_script(UChar32 code_point) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(code_point, &status);
  if (U_FAILURE(status)) return false;
  switch (script) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR: return true;
    default: return false;
  }
}

constexpr bool ascii_word_character(UChar32 c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool word_character(UChar32 code_point) {
  if (code_point < 0) return false;
  if (code_point < 0x80) return ascii_word_character(code_point);
  if (u_hasBinaryProperty(code_point, UCHAR_ALPHABETIC) || u_isdigit(code_point)) return true;
  const auto category = u_charType(code_point);
  return category == U_NON_SPACING_MARK || category == U_COMBINING_SPACING_MARK;
}

// Whether `code_point` glues to a word beside it: a word character of a script written with
// spaces. A term that begins or ends with one has a boundary to check there; a neighbour
// that is one fails that check. The common case, ASCII, inline without a call into ICU.
inline bool glues(UChar32 code_point) {
  if (code_point < 0x80) return code_point >= 0 && ascii_word_character(code_point);
  return word_character(code_point) && !spaceless_script(code_point);
}

UChar32 first_code_point(std::string_view text) {
  UChar32 code_point = -1;
  std::int32_t index = 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  U8_NEXT(bytes, index, static_cast<std::int32_t>(text.size()), code_point);
  return code_point;
}

UChar32 last_code_point(std::string_view text) {
  UChar32 code_point = -1;
  auto index = static_cast<std::int32_t>(text.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  U8_PREV(bytes, 0, index, code_point);
  return code_point;
}

// Every byte that is not an ASCII letter or digit as \xHH: the pattern is then a literal of
// bytes whatever the term holds (UTF-8 sequences included: the database is not in UTF-8
// mode, see spellings()).
std::string escape_literal(std::string_view literal) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(literal.size() * 2);
  for (char c : literal) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain =
        byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (plain) {
      out.push_back(c);
      continue;
    }
    out += "\\x";
    out.push_back(hex[byte >> 4]);
    out.push_back(hex[byte & 0xf]);
  }
  return out;
}

bool ascii_only(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The spellings a literal is compiled as. HS_FLAG_CASELESS folds ASCII only unless the
// database is compiled with HS_FLAG_UTF8, which turns every literal with a cased letter
// beyond ASCII into an automaton and made the scan 1.9 times slower over 10,000 streams
// (bench/matcher). So a literal is compiled as plain bytes, ASCII-caseless, in the forms
// people write: as given in lower case, UPPER CASE, Title Case and with a capital first
// letter. "ÉtÉ" is the one kind of spelling that is not found.
std::vector<std::string> spellings(const std::string& literal) {
  if (ascii_only(literal)) return {literal};
  const icu::Locale& root = icu::Locale::getRoot();
  const auto text = icu::UnicodeString::fromUTF8(literal);
  std::set<std::string> forms;
  auto add = [&](const icu::UnicodeString& form) {
    std::string utf8;
    form.toUTF8String(utf8);
    forms.insert(core::ascii_lower(utf8));  // one spelling per ASCII-caseless form
  };
  icu::UnicodeString lower = text;
  lower.toLower(root);
  add(lower);
  icu::UnicodeString upper = text;
  upper.toUpper(root);
  add(upper);
  icu::UnicodeString title = text;
  title.toTitle(nullptr, root);
  add(title);
  icu::UnicodeString capital = lower;
  if (!capital.isEmpty()) {
    const UChar32 first = capital.char32At(0);
    icu::UnicodeString head(u_totitle(first));
    capital.replace(0, U16_LENGTH(first), head);
  }
  add(capital);
  return {forms.begin(), forms.end()};
}

struct PatternDraft {
  std::string literal;
  Region region = Region::text;
  Literal shape;
  std::vector<Subscriber> subscribers;
};

class DatabaseBuilder {
 public:
  void add_stream(std::uint32_t index, const domain::StreamQuery& query) {
    for (const auto& word : query.keywords) add_word(word, index, false);
    for (const auto& phrase : query.phrases) add_word(phrase, index, false);
    for (const auto& word : query.excluded_words) add_word(word, index, true);
    for (const auto& phrase : query.excluded_phrases) add_word(phrase, index, true);
    for (const auto& tag : query.hashtags) {
      Literal shape;
      shape.left_boundary = true;
      shape.right_boundary = glues(last_code_point(tag));
      add("#" + tag, Region::text_and_tags, shape, {index, false});
    }
    for (const auto& account : query.mentions) {
      Literal shape;
      if (domain::is_did(account)) {
        add("@" + account, Region::mentioned_dids, shape, {index, false});
        continue;
      }
      shape.left_boundary = true;
      shape.handle_end = true;
      add("@" + account, Region::text, shape, {index, false});
    }
  }

  std::vector<PatternDraft> take() {
    std::vector<PatternDraft> drafts;
    drafts.reserve(drafts_.size());
    for (auto& [key, draft] : drafts_) drafts.push_back(std::move(draft));
    return drafts;
  }

 private:
  void add_word(const std::string& word, std::uint32_t index, bool exclusion) {
    Literal shape;
    shape.left_boundary = glues(first_code_point(word));
    shape.right_boundary = glues(last_code_point(word));
    add(word, Region::text, shape, {index, exclusion});
  }

  // Streams sharing a literal (of the same shape) share one pattern of the database.
  void add(std::string literal, Region region, Literal shape, Subscriber subscriber) {
    std::string key = core::ascii_lower(literal);
    key.push_back('\0');
    key.push_back(static_cast<char>(region));
    key.push_back(static_cast<char>((shape.left_boundary ? 1 : 0) | (shape.right_boundary ? 2 : 0) |
                                    (shape.handle_end ? 4 : 0)));
    auto& draft = drafts_[key];
    if (draft.literal.empty()) {
      draft.literal = std::move(literal);
      draft.region = region;
      draft.shape = shape;
    }
    for (const auto& existing : draft.subscribers) {
      if (existing.stream == subscriber.stream && existing.exclusion == subscriber.exclusion)
        return;
    }
    draft.subscribers.push_back(subscriber);
  }

  std::map<std::string, PatternDraft> drafts_;
};

core::Result<void> compile(const std::vector<PatternDraft>& drafts, CompiledStreams& compiled) {
  if (drafts.empty()) return core::success();
  std::vector<std::string> expressions;
  std::vector<const char*> pointers;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  std::unordered_set<std::uint32_t> packed_ids;
  expressions.reserve(drafts.size());
  for (std::size_t index = 0; index < drafts.size(); ++index) {
    const auto& draft = drafts[index];
    Literal literal = draft.shape;
    literal.shared = draft.subscribers.size() > 1;
    if (literal.shared) {
      literal.target = static_cast<std::uint32_t>(compiled.shared_lists.size());
      compiled.shared_lists.push_back({static_cast<std::uint32_t>(draft.subscribers.size())});
      compiled.shared_lists.insert(compiled.shared_lists.end(), draft.subscribers.begin(),
                                   draft.subscribers.end());
    } else {
      literal.target = draft.subscribers.front().stream;
      literal.exclusion = draft.subscribers.front().exclusion;
    }
    for (const auto& spelling : spellings(draft.literal)) {
      if (draft.region != Region::text) compiled.lookups.add(core::ascii_lower(spelling), literal);
      if (draft.region == Region::mentioned_dids) continue;
      if (spelling.size() > literal_bytes_max) {
        return core::make_error(
            core::ErrorCode::invalid_request,
            "a stream's term is longer than " + std::to_string(literal_bytes_max) + " bytes");
      }
      literal.bytes = static_cast<std::uint16_t>(spelling.size());
      // Every literal its own id: when two would pack alike (same stream, length and
      // flags), the next variant, and past the last the literal's index. vectorscan merges
      // the reports of literals that share an id, and its scan was then 12 % slower
      // (bench/matcher, ADR 0038).
      std::uint32_t id = id_indirect | static_cast<std::uint32_t>(compiled.literals.size());
      for (std::uint32_t variant = 0; variant < id_variants; ++variant) {
        const auto packed = packed_id(literal, variant);
        if (!packed) break;
        if (packed_ids.insert(*packed).second) {
          id = *packed;
          break;
        }
      }
      ids.push_back(id);
      compiled.literals.push_back(literal);
      expressions.push_back(escape_literal(spelling));
      flags.push_back(HS_FLAG_CASELESS);
    }
  }
  compiled.pattern_count = drafts.size();
  compiled.lookups.build();
  if (expressions.empty()) return core::success();  // only mentioned DIDs: lookups alone
  for (const auto& expression : expressions) pointers.push_back(expression.c_str());
  hs_compile_error_t* error = nullptr;
  const hs_error_t status = hs_compile_multi(pointers.data(), flags.data(), ids.data(),
                                             static_cast<unsigned int>(pointers.size()),
                                             HS_MODE_BLOCK, nullptr, &compiled.database, &error);
  if (status != HS_SUCCESS) {
    std::string message = "vectorscan refused the streams' patterns";
    if (error != nullptr) {
      message += ": ";
      message += error->message;
      if (error->expression >= 0) message += " (" + expressions[error->expression] + ")";
      hs_free_compile_error(error);
    }
    return core::make_error(core::ErrorCode::internal, message);
  }
  hs_database_size(compiled.database, &compiled.database_bytes);
  return core::success();
}

// `wanted` is in lower case: "en" is matched by "en", "EN" and "en-US", not by "eng".
bool language_matches(std::string_view wanted, std::string_view tag) {
  if (tag.size() < wanted.size()) return false;
  for (std::size_t index = 0; index < wanted.size(); ++index) {
    if (core::ascii_lower(tag[index]) != wanted[index]) return false;
  }
  return tag.size() == wanted.size() || tag[wanted.size()] == '-';
}

bool passes_filters(const StreamEntry& stream, const std::string* values,
                    const domain::IncomingPost& post) {
  const std::string* authors = values + stream.first_filter;
  if (stream.authors > 0 &&
      std::find(authors, authors + stream.authors, post.author_did) == authors + stream.authors) {
    return false;
  }
  if (stream.languages == 0) return true;
  const std::string* languages = authors + stream.authors;
  for (const std::string* wanted = languages; wanted != languages + stream.languages; ++wanted) {
    for (std::string_view tag : post.langs) {
      if (language_matches(*wanted, tag)) return true;
    }
  }
  return false;
}

}  // namespace

const hs_database* database_of(const CompiledStreams& compiled) { return compiled.database; }

StreamMatcher::StreamMatcher() : current_(std::make_shared<const CompiledStreams>()) {}

StreamMatcher::~StreamMatcher() = default;

core::Result<void> StreamMatcher::rebuild(std::span<const MatchableStream> streams) {
  std::lock_guard rebuilding(rebuild_mutex_);
  auto compiled = std::make_shared<CompiledStreams>();
  DatabaseBuilder builder;
  compiled->streams.reserve(streams.size());
  for (const auto& stream : streams) {
    const auto index = static_cast<std::uint32_t>(compiled->streams.size());
    auto& values = compiled->filter_values;
    if (stream.query.authors.size() > filters_per_kind_max ||
        stream.query.languages.size() > filters_per_kind_max) {
      return core::make_error(core::ErrorCode::invalid_request,
                              "a stream has more than " + std::to_string(filters_per_kind_max) +
                                  " from: or lang: filters");
    }
    compiled->streams.push_back({stream.id, static_cast<std::uint32_t>(values.size()),
                                 static_cast<std::uint16_t>(stream.query.authors.size()),
                                 static_cast<std::uint16_t>(stream.query.languages.size())});
    values.insert(values.end(), stream.query.authors.begin(), stream.query.authors.end());
    for (const auto& language : stream.query.languages) {
      values.push_back(core::ascii_lower(language));
    }
    builder.add_stream(index, stream.query);
    const auto& query = stream.query;
    const bool has_literal = !query.keywords.empty() || !query.phrases.empty() ||
                             !query.hashtags.empty() || !query.mentions.empty();
    if (!has_literal) {
      for (const auto& author : query.authors) compiled->author_only.emplace_back(author, index);
    }
  }
  std::sort(compiled->author_only.begin(), compiled->author_only.end());
  auto drafts = builder.take();
  if (auto done = compile(drafts, *compiled); !done) return done;
  compiled->revision = revision_.load(std::memory_order_relaxed) + 1;
  std::lock_guard lock(mutex_);
  current_ = std::move(compiled);
  revision_.store(current_->revision, std::memory_order_release);
  return core::success();
}

std::shared_ptr<const CompiledStreams> StreamMatcher::snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

MatcherStats StreamMatcher::stats() const {
  auto current = snapshot();
  return {current->revision, current->streams.size(), current->pattern_count,
          current->literals.size(), current->database_bytes};
}

MatchSession::MatchSession(const StreamMatcher& matcher) : matcher_(matcher) { refresh(); }

MatchSession::~MatchSession() {
  if (scratch_ != nullptr) hs_free_scratch(scratch_);
}

void MatchSession::refresh() {
  snapshot_ = matcher_.snapshot();
  revision_ = snapshot_->revision;
  if (snapshot_->database != nullptr) {
    // Grows the scratch to fit this database; vectorscan fails only on bad arguments or
    // memory exhaustion, and matching without a scratch is impossible.
    if (hs_alloc_scratch(snapshot_->database, &scratch_) != HS_SUCCESS) {
      std::fprintf(stderr, "roost: vectorscan could not allocate a scratch\n");
      std::abort();
    }
  }
  stream_marks_.assign(snapshot_->streams.size(), {});
  generation_ = 0;
}

std::size_t MatchSession::scratch_bytes() const {
  std::size_t bytes = 0;
  if (scratch_ != nullptr) hs_scratch_size(scratch_, &bytes);
  return bytes;
}

void MatchSession::look_up(char sigil, std::string_view item) {
  snapshot_->lookups.find(sigil, item, [this](const Literal& literal) {
    deliver(literal.target, literal.exclusion, literal.shared);
  });
}

int MatchSession::on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                           unsigned int /*flags*/, void* context) {
  static_cast<MatchSession*>(context)->hit(id, static_cast<std::size_t>(to));
  return 0;  // go on: a later occurrence may pass where this one did not
}

void MatchSession::hit(std::uint32_t literal_id, std::size_t end) {
  // In the common case the id is the literal, its shape and its subscriber: nothing to read.
  const Literal literal = (literal_id & id_indirect) != 0
                              ? snapshot_->literals[literal_id & ~id_indirect]
                              : unpacked_literal(literal_id);
  const std::size_t start = end >= literal.bytes ? end - literal.bytes : 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text_.data());
  const auto length = static_cast<std::int32_t>(text_.size());
  if (literal.left_boundary && start > 0) {
    UChar32 before = -1;
    auto index = static_cast<std::int32_t>(start);
    U8_PREV(bytes, 0, index, before);
    if (glues(before)) return;
  }
  if ((literal.right_boundary || literal.handle_end) && end < text_.size()) {
    UChar32 after = -1;
    auto index = static_cast<std::int32_t>(end);
    U8_NEXT(bytes, index, length, after);
    if (glues(after)) return;
    if (literal.handle_end && (after == '-' || after == '.')) {
      // "@alice.test." ends a sentence; "@alice.test.org" and "@alice.test-x" are others.
      if (after == '-') return;
      if (index < length) {
        UChar32 next = -1;
        U8_NEXT(bytes, index, length, next);
        if (glues(next) || next == '-') return;
      }
    }
  }
  deliver(literal.target, literal.exclusion, literal.shared);
}

void MatchSession::deliver(std::uint32_t target, bool exclusion, bool shared) {
  if (!shared) {
    subscribe(target, exclusion);
    return;
  }
  // Walked at every occurrence of the term: marking the term instead would cost a read of its
  // mark at every first occurrence, the common case, and subscribe() counts a stream once.
  const Subscriber* list = snapshot_->shared_lists.data() + target;
  const std::uint32_t count = list->stream;
  for (const Subscriber* subscriber = list + 1; subscriber != list + 1 + count; ++subscriber) {
    subscribe(subscriber->stream, subscriber->exclusion);
  }
}

void MatchSession::subscribe(std::uint32_t stream, bool exclusion) {
  StreamMarks& marks = stream_marks_[stream];
  if (exclusion) {
    marks.excluded = generation_;
  } else if (marks.candidate != generation_) {
    marks.candidate = generation_;
    candidates_.push_back(stream);
  }
}

core::Result<void> MatchSession::match(const domain::IncomingPost& post,
                                       std::vector<core::StreamId>& out) {
  if (matcher_.revision() != revision_) refresh();
  const CompiledStreams& compiled = *snapshot_;
  if (compiled.streams.empty()) return core::success();
  if (++generation_ == 0) {
    std::fill(stream_marks_.begin(), stream_marks_.end(), StreamMarks{});
    generation_ = 1;
  }
  candidates_.clear();
  text_ = post.text;
  if (compiled.database != nullptr) {
    const hs_error_t status =
        hs_scan(compiled.database, text_.data(), static_cast<unsigned int>(text_.size()), 0,
                scratch_, &MatchSession::on_match, this);
    if (status != HS_SUCCESS) {
      return core::make_error(core::ErrorCode::internal,
                              "vectorscan failed to scan a post: " + std::to_string(status));
    }
  }
  if (!compiled.lookups.empty()) {
    for (std::string_view tag : post.tags) look_up('#', tag);
    for (std::string_view did : post.mention_dids) look_up('@', did);
  }
  if (!compiled.author_only.empty()) {
    auto found = std::lower_bound(
        compiled.author_only.begin(), compiled.author_only.end(), post.author_did,
        [](const auto& entry, std::string_view author) { return entry.first < author; });
    for (; found != compiled.author_only.end() && found->first == post.author_did; ++found) {
      subscribe(found->second, false);
    }
  }
  std::sort(candidates_.begin(), candidates_.end());
  for (std::uint32_t index : candidates_) {
    if (stream_marks_[index].excluded == generation_) continue;
    const StreamEntry& stream = compiled.streams[index];
    if (stream.authors + stream.languages != 0 &&
        !passes_filters(stream, compiled.filter_values.data(), post)) {
      continue;
    }
    out.push_back(stream.id);
  }
  return core::success();
}

}  // namespace roost::ingest
