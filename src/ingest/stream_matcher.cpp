#include "ingest/stream_matcher.hpp"

#include <hs/hs.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "core/ascii.hpp"

namespace roost::ingest {

namespace {

// Where a literal counts: keywords, phrases and handle mentions in the text only; hashtags
// in the text or the tags appended after it; mentioned DIDs in the appended part only.
enum class Region : std::uint8_t { text, anywhere, extras };

struct Subscriber {
  std::uint32_t stream = 0;
  bool exclusion = false;
};

// A distinct term: the streams subscribing to it.
struct Pattern {
  std::uint32_t first_subscriber = 0;
  std::uint32_t subscriber_count = 0;
};

// One literal of the database, holding all a hit reads in 8 bytes (ADR 0037): a spelling of
// a pattern (ADR 0024: its lower, UPPER and Title case forms when it has letters beyond
// ASCII), where the pattern counts and which of its ends are word boundaries, and its
// subscriber when it has only one, as most terms do. A hit starts `bytes` before its end.
// The builder's drafts use one as the pattern's shape (region and boundaries only).
struct Literal {
  std::uint32_t target = 0;  // the one subscriber's stream; when `shared`, the pattern
  std::uint16_t bytes = 0;   // see literal_bytes_max
  Region region = Region::text;
  bool left_boundary : 1 = false;   // the code point before must not continue a word
  bool right_boundary : 1 = false;  // the code point after must not continue a word
  bool handle_end : 1 = false;      // after a handle: no '-', and a '.' only ending a sentence
  bool exclusion : 1 = false;       // the one subscriber's kind, unless `shared`
  bool shared : 1 = false;  // more than one subscriber: the pattern's list, marked once a post
};
static_assert(sizeof(Literal) == 8, "a hit reads one literal: keep it small");
// Far above any term the query parser accepts (core::limits::stream_term_bytes_max).
constexpr std::size_t literal_bytes_max = 0xffff;

// A stream's from: and lang: filters, read only for the candidates that have some.
struct StreamFilters {
  std::vector<std::string> authors;
  std::vector<std::string> languages;
};

}  // namespace

struct CompiledStreams {
  hs_database_t* database = nullptr;
  std::vector<Pattern> patterns;
  std::vector<Literal> literals;  // by vectorscan's expression id
  std::vector<Subscriber> subscribers;
  // By stream index: what a match returns, whether it has filters, and those filters — apart,
  // so that a candidate without filters reads 8 bytes of a dense array, not a whole entry.
  std::vector<core::StreamId> stream_ids;
  std::vector<bool> filtered;
  std::vector<StreamFilters> filters;
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

constexpr char extras_separator = '\n';

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

bool word_character(UChar32 code_point) {
  if (code_point < 0) return false;
  if (code_point < 0x80) {
    const char c = static_cast<char>(code_point);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (u_hasBinaryProperty(code_point, UCHAR_ALPHABETIC) || u_isdigit(code_point)) return true;
  const auto category = u_charType(code_point);
  return category == U_NON_SPACING_MARK || category == U_COMBINING_SPACING_MARK;
}

// Whether a term that begins or ends with `code_point` continues into a neighbouring word
// character, so that the boundary there must be checked.
bool needs_boundary(UChar32 code_point) {
  return word_character(code_point) && !spaceless_script(code_point);
}

// The common case, an ASCII neighbour, without a call into ICU.
bool glues(UChar32 neighbour) {
  if (neighbour < 0x80) return word_character(neighbour);
  return word_character(neighbour) && !spaceless_script(neighbour);
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
      shape.region = Region::anywhere;
      shape.left_boundary = true;
      shape.right_boundary = needs_boundary(last_code_point(tag));
      add("#" + tag, shape, {index, false});
    }
    for (const auto& account : query.mentions) {
      Literal shape;
      if (domain::is_did(account)) {
        // The appended part holds "\n@<did>\n" per mentioned DID: the newlines delimit it.
        shape.region = Region::extras;
        add(std::string(1, extras_separator) + "@" + account + extras_separator, shape,
            {index, false});
        continue;
      }
      shape.left_boundary = true;
      shape.handle_end = true;
      add("@" + account, shape, {index, false});
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
    shape.left_boundary = needs_boundary(first_code_point(word));
    shape.right_boundary = needs_boundary(last_code_point(word));
    add(word, shape, {index, exclusion});
  }

  // Streams sharing a literal (of the same shape) share one pattern of the database.
  void add(std::string literal, Literal shape, Subscriber subscriber) {
    std::string key = core::ascii_lower(literal);
    key.push_back('\0');
    key.push_back(static_cast<char>(shape.region));
    key.push_back(static_cast<char>((shape.left_boundary ? 1 : 0) | (shape.right_boundary ? 2 : 0) |
                                    (shape.handle_end ? 4 : 0)));
    auto& draft = drafts_[key];
    if (draft.literal.empty()) {
      draft.literal = std::move(literal);
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
  expressions.reserve(drafts.size());
  for (std::size_t index = 0; index < drafts.size(); ++index) {
    const auto& draft = drafts[index];
    Literal literal = draft.shape;
    literal.shared = draft.subscribers.size() > 1;
    if (literal.shared) {
      literal.target = static_cast<std::uint32_t>(index);
    } else {
      literal.target = draft.subscribers.front().stream;
      literal.exclusion = draft.subscribers.front().exclusion;
    }
    for (const auto& spelling : spellings(draft.literal)) {
      if (spelling.size() > literal_bytes_max) {
        return core::make_error(
            core::ErrorCode::invalid_request,
            "a stream's term is longer than " + std::to_string(literal_bytes_max) + " bytes");
      }
      ids.push_back(static_cast<unsigned int>(compiled.literals.size()));
      literal.bytes = static_cast<std::uint16_t>(spelling.size());
      compiled.literals.push_back(literal);
      expressions.push_back(escape_literal(spelling));
      flags.push_back(HS_FLAG_CASELESS);
    }
    compiled.patterns.push_back({static_cast<std::uint32_t>(compiled.subscribers.size()),
                                 static_cast<std::uint32_t>(draft.subscribers.size())});
    compiled.subscribers.insert(compiled.subscribers.end(), draft.subscribers.begin(),
                                draft.subscribers.end());
  }
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

bool language_matches(std::string_view wanted, std::string_view tag) {
  if (tag.size() < wanted.size()) return false;
  if (core::ascii_lower(tag.substr(0, wanted.size())) != core::ascii_lower(wanted)) return false;
  return tag.size() == wanted.size() || tag[wanted.size()] == '-';
}

bool passes_filters(const StreamFilters& stream, const domain::IncomingPost& post) {
  if (!stream.authors.empty() && std::find(stream.authors.begin(), stream.authors.end(),
                                           post.author_did) == stream.authors.end()) {
    return false;
  }
  if (stream.languages.empty()) return true;
  for (const auto& wanted : stream.languages) {
    for (std::string_view tag : post.langs) {
      if (language_matches(wanted, tag)) return true;
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
  compiled->stream_ids.reserve(streams.size());
  compiled->filters.reserve(streams.size());
  for (const auto& stream : streams) {
    const auto index = static_cast<std::uint32_t>(compiled->stream_ids.size());
    compiled->stream_ids.push_back(stream.id);
    compiled->filtered.push_back(!stream.query.authors.empty() || !stream.query.languages.empty());
    compiled->filters.push_back({stream.query.authors, stream.query.languages});
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
  return {current->revision, current->stream_ids.size(), current->patterns.size(),
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
  const std::size_t streams = snapshot_->stream_ids.size();
  stream_marks_.assign(streams, 0);
  exclude_marks_.assign(streams, 0);
  pattern_marks_.assign(snapshot_->patterns.size(), 0);
  generation_ = 0;
}

std::size_t MatchSession::scratch_bytes() const {
  std::size_t bytes = 0;
  if (scratch_ != nullptr) hs_scratch_size(scratch_, &bytes);
  return bytes;
}

void MatchSession::build_scan_buffer(const domain::IncomingPost& post) {
  buffer_.assign(post.text);
  buffer_.push_back(extras_separator);
  for (std::string_view tag : post.tags) {
    buffer_.push_back('#');
    buffer_.append(tag);
    buffer_.push_back(extras_separator);
  }
  for (std::string_view did : post.mention_dids) {
    buffer_.push_back('@');
    buffer_.append(did);
    buffer_.push_back(extras_separator);
  }
}

int MatchSession::on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to,
                           unsigned int /*flags*/, void* context) {
  static_cast<MatchSession*>(context)->hit(id, static_cast<std::size_t>(to));
  return 0;  // go on: a later occurrence may pass where this one did not
}

void MatchSession::hit(std::uint32_t literal_id, std::size_t end) {
  // One random access for the common case: the literal holds its shape and its subscriber.
  const Literal literal = snapshot_->literals[literal_id];
  const std::size_t start = end >= literal.bytes ? end - literal.bytes : 0;
  switch (literal.region) {
    case Region::text:
      if (end > text_bytes_) return;
      break;
    case Region::extras:
      if (start < text_bytes_) return;
      break;
    case Region::anywhere: break;
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(scan_data_);
  const auto length = static_cast<std::int32_t>(scan_bytes_);
  if (literal.left_boundary && start > 0) {
    UChar32 before = -1;
    auto index = static_cast<std::int32_t>(start);
    U8_PREV(bytes, 0, index, before);
    if (glues(before)) return;
  }
  if ((literal.right_boundary || literal.handle_end) && end < scan_bytes_) {
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
  if (!literal.shared) {
    subscribe(literal.target, literal.exclusion);
    return;
  }
  // A shared pattern's subscribers are walked once a post, however often it occurs.
  if (pattern_marks_[literal.target] == generation_) return;
  pattern_marks_[literal.target] = generation_;
  const Pattern& pattern = snapshot_->patterns[literal.target];
  const auto* subscriber = snapshot_->subscribers.data() + pattern.first_subscriber;
  for (std::uint32_t count = 0; count < pattern.subscriber_count; ++count, ++subscriber) {
    subscribe(subscriber->stream, subscriber->exclusion);
  }
}

void MatchSession::subscribe(std::uint32_t stream, bool exclusion) {
  if (exclusion) {
    exclude_marks_[stream] = generation_;
  } else if (stream_marks_[stream] != generation_) {
    stream_marks_[stream] = generation_;
    candidates_.push_back(stream);
  }
}

core::Result<void> MatchSession::match(const domain::IncomingPost& post,
                                       std::vector<core::StreamId>& out) {
  if (matcher_.revision() != revision_) refresh();
  const CompiledStreams& compiled = *snapshot_;
  if (compiled.stream_ids.empty()) return core::success();
  if (++generation_ == 0) {
    std::fill(stream_marks_.begin(), stream_marks_.end(), 0);
    std::fill(exclude_marks_.begin(), exclude_marks_.end(), 0);
    std::fill(pattern_marks_.begin(), pattern_marks_.end(), 0);
    generation_ = 1;
  }
  candidates_.clear();
  text_bytes_ = post.text.size();
  if (post.tags.empty() && post.mention_dids.empty()) {
    scan_data_ = post.text.data();
    scan_bytes_ = post.text.size();
  } else {
    build_scan_buffer(post);
    scan_data_ = buffer_.data();
    scan_bytes_ = buffer_.size();
  }
  if (compiled.database != nullptr) {
    const hs_error_t status =
        hs_scan(compiled.database, scan_data_, static_cast<unsigned int>(scan_bytes_), 0, scratch_,
                &MatchSession::on_match, this);
    if (status != HS_SUCCESS) {
      return core::make_error(core::ErrorCode::internal,
                              "vectorscan failed to scan a post: " + std::to_string(status));
    }
  }
  if (!compiled.author_only.empty()) {
    auto found = std::lower_bound(
        compiled.author_only.begin(), compiled.author_only.end(), post.author_did,
        [](const auto& entry, std::string_view author) { return entry.first < author; });
    for (; found != compiled.author_only.end() && found->first == post.author_did; ++found) {
      if (stream_marks_[found->second] == generation_) continue;
      stream_marks_[found->second] = generation_;
      candidates_.push_back(found->second);
    }
  }
  std::sort(candidates_.begin(), candidates_.end());
  for (std::uint32_t index : candidates_) {
    if (exclude_marks_[index] == generation_) continue;
    if (compiled.filtered[index] && !passes_filters(compiled.filters[index], post)) continue;
    out.push_back(compiled.stream_ids[index]);
  }
  return core::success();
}

}  // namespace roost::ingest
