#include "domain/stream_query.hpp"

#include <algorithm>
#include <optional>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "domain/language_tag.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

constexpr std::string_view from_prefix = "from:";
constexpr std::string_view lang_prefix = "lang:";
constexpr std::string_view or_operator = "OR";
constexpr std::size_t handle_label_length_max = 63;
constexpr std::size_t handle_length_max = 253;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool has_space(std::string_view text) { return std::any_of(text.begin(), text.end(), is_space); }

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Why a term is not acceptable, or nullopt when it is: the checks every kind shares.
std::optional<std::string> text_problem(std::string_view term) {
  if (term.empty()) return std::string("is empty");
  if (term.size() > core::limits::stream_term_bytes_max) {
    return "is longer than " + std::to_string(core::limits::stream_term_bytes_max) + " bytes";
  }
  if (!count_code_points(term)) return std::string("is not valid UTF-8");
  if (has_control_characters(term)) return std::string("holds a control character");
  if (term.find('"') != std::string_view::npos) return std::string("holds a double quote");
  return std::nullopt;
}

bool starts_with_filter(std::string_view term) {
  return term.starts_with(from_prefix) || term.starts_with(lang_prefix);
}

std::optional<std::string> word_problem(std::string_view word, bool excluded) {
  if (auto problem = text_problem(word)) return problem;
  if (has_space(word)) return std::string("is more than one word (use a phrase)");
  if (word.front() == '-') return std::string("starts with '-'");
  if (starts_with_filter(word)) return std::string("starts with from: or lang:");
  if (!excluded) {
    if (word.front() == '#') return std::string("starts with '#' (use a hashtag)");
    if (word.front() == '@') return std::string("starts with '@' (use a mention)");
    if (word == or_operator) return std::string("is the operator OR");
  }
  return std::nullopt;
}

std::optional<std::string> hashtag_problem(std::string_view tag) {
  if (auto problem = text_problem(tag)) return problem;
  if (has_space(tag)) return std::string("holds white space");
  if (tag.find('#') != std::string_view::npos) return std::string("holds a '#'");
  return std::nullopt;
}

std::optional<std::string> account_problem(std::string_view account) {
  if (auto problem = text_problem(account)) return problem;
  if (is_did(account) || is_handle(account)) return std::nullopt;
  return std::string("is neither a handle (alice.example.com) nor a DID (did:plc:…)");
}

// White space runs inside a phrase become one space; the ends are trimmed.
std::string collapse_spaces(std::string_view phrase) {
  std::string out;
  bool pending_space = false;
  for (char c : phrase) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool same_term(std::string_view left, std::string_view right) {
  return left.size() == right.size() && core::ascii_lower(left) == core::ascii_lower(right);
}

void add_unique(std::vector<std::string>& terms, std::string term) {
  for (const auto& existing : terms) {
    if (same_term(existing, term)) return;
  }
  terms.push_back(std::move(term));
}

core::Error query_error(std::string problem, std::size_t offset) {
  auto error =
      core::make_error(core::ErrorCode::invalid_request, "the stream query is invalid: " + problem);
  error.details.push_back({"query", std::move(problem), 0, static_cast<int>(offset) + 1});
  return error;
}

core::Error field_error(const std::string& field, const std::string& problem) {
  auto error = core::make_error(core::ErrorCode::invalid_request,
                                "the stream query is invalid: " + field + " " + problem);
  error.details.push_back({field, problem, 0, 0});
  return error;
}

core::Result<void> check_totals(const StreamQuery& query) {
  if (query.term_count() > core::limits::stream_query_terms_max) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "the stream query is invalid: more than " +
                                std::to_string(core::limits::stream_query_terms_max) + " terms");
  }
  if (!query.has_positive_term()) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "the stream query is invalid: it needs a keyword, a \"phrase\", a "
                            "#hashtag, an @mention or a from: author");
  }
  // What is saved is the canonical form, which can be longer than what was typed (" OR "
  // where a space was, quotes, '#'): a query accepted here must parse again once saved.
  if (format_stream_query(query).size() > core::limits::stream_query_bytes_max) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "the stream query is invalid: written out in full (terms joined by "
                            "\" OR \"), it is longer than " +
                                std::to_string(core::limits::stream_query_bytes_max) + " bytes");
  }
  return core::success();
}

// One term of the search box, classified and checked.
class QueryParser {
 public:
  explicit QueryParser(std::string_view text) : text_(text) {}

  core::Result<StreamQuery> parse() {
    if (text_.size() > core::limits::stream_query_bytes_max) {
      return query_error(
          "is longer than " + std::to_string(core::limits::stream_query_bytes_max) + " bytes", 0);
    }
    if (!count_code_points(text_)) return query_error("is not valid UTF-8", 0);
    while (true) {
      while (position_ < text_.size() && is_space(text_[position_])) ++position_;
      if (position_ >= text_.size()) break;
      if (auto read = read_term(); !read) return std::move(read).error();
      if (query_.term_count() > core::limits::stream_query_terms_max) {
        return query_error(
            "has more than " + std::to_string(core::limits::stream_query_terms_max) + " terms",
            position_);
      }
    }
    if (auto totals = check_totals(query_); !totals) return std::move(totals).error();
    return std::move(query_);
  }

 private:
  core::Result<void> read_term() {
    const std::size_t start = position_;
    const bool excluded = text_[position_] == '-';
    if (excluded) ++position_;
    if (position_ >= text_.size() || is_space(text_[position_])) {
      return query_error("'-' must be followed by a word or a \"phrase\"", start);
    }
    if (text_[position_] == '"') return read_phrase(start, excluded);
    const std::size_t word_start = position_;
    while (position_ < text_.size() && !is_space(text_[position_])) ++position_;
    const std::string_view word = text_.substr(word_start, position_ - word_start);
    if (excluded) return add_word(word, start, query_.excluded_words, true);
    if (word == or_operator) return core::success();
    if (word.front() == '#') {
      return add_checked(word.substr(1), start, "hashtag", hashtag_problem(word.substr(1)),
                         query_.hashtags);
    }
    if (word.front() == '@') {
      return add_checked(word.substr(1), start, "mention", account_problem(word.substr(1)),
                         query_.mentions);
    }
    if (word.starts_with(from_prefix)) {
      const auto author = word.substr(from_prefix.size());
      return add_checked(author, start, "from:", account_problem(author), query_.authors);
    }
    if (word.starts_with(lang_prefix)) return add_language(word.substr(lang_prefix.size()), start);
    return add_word(word, start, query_.keywords, false);
  }

  core::Result<void> read_phrase(std::size_t start, bool excluded) {
    const std::size_t open = position_;
    const std::size_t close = text_.find('"', open + 1);
    if (close == std::string_view::npos) return query_error("a quote is not closed", open);
    position_ = close + 1;
    if (position_ < text_.size() && !is_space(text_[position_])) {
      return query_error("a closing quote must be followed by a space", close);
    }
    std::string phrase = collapse_spaces(text_.substr(open + 1, close - open - 1));
    auto& target = excluded ? query_.excluded_phrases : query_.phrases;
    return add_checked(phrase, start, "phrase", text_problem(phrase), target);
  }

  core::Result<void> add_word(std::string_view word, std::size_t start,
                              std::vector<std::string>& target, bool excluded) {
    if (excluded && starts_with_filter(word)) {
      return query_error("from: and lang: filters cannot be excluded", start);
    }
    return add_checked(word, start, excluded ? "excluded word" : "keyword",
                       word_problem(word, excluded), target);
  }

  core::Result<void> add_language(std::string_view tag, std::size_t start) {
    auto normalized = normalize_language_tag(tag);
    if (!normalized)
      return query_error("lang:" + std::string(tag) + " is not a language tag", start);
    add_unique(query_.languages, std::move(*normalized));
    return core::success();
  }

  core::Result<void> add_checked(std::string_view term, std::size_t start, std::string_view kind,
                                 std::optional<std::string> problem,
                                 std::vector<std::string>& target) {
    if (problem) {
      return query_error(
          "the " + std::string(kind) + " at column " + std::to_string(start + 1) + " " + *problem,
          start);
    }
    add_unique(target, std::string(term));
    return core::success();
  }

  std::string_view text_;
  std::size_t position_ = 0;
  StreamQuery query_;
};

using Checker = std::optional<std::string> (*)(std::string_view);

std::optional<std::string> keyword_problem(std::string_view word) {
  return word_problem(word, false);
}
std::optional<std::string> excluded_word_problem(std::string_view word) {
  return word_problem(word, true);
}

core::Result<std::vector<std::string>> normalize_list(const std::vector<std::string>& terms,
                                                      const std::string& field, Checker check,
                                                      char strip_prefix, bool collapse) {
  std::vector<std::string> out;
  for (std::size_t index = 0; index < terms.size(); ++index) {
    std::string term = collapse ? collapse_spaces(terms[index]) : std::string(trim(terms[index]));
    if (strip_prefix != 0 && !term.empty() && term.front() == strip_prefix) term.erase(0, 1);
    if (auto problem = check(term)) {
      return field_error(field + "[" + std::to_string(index) + "]", *problem);
    }
    add_unique(out, std::move(term));
  }
  return out;
}

void append_all(std::string& out, const std::vector<std::string>& terms, std::string_view prefix,
                std::string_view separator, bool quoted, bool& first) {
  for (const auto& term : terms) {
    if (!first) out += separator;
    first = false;
    out += prefix;
    if (quoted) out += '"';
    out += term;
    if (quoted) out += '"';
  }
}

}  // namespace

std::size_t StreamQuery::term_count() const {
  return keywords.size() + phrases.size() + hashtags.size() + mentions.size() + authors.size() +
         excluded_words.size() + excluded_phrases.size() + languages.size();
}

bool StreamQuery::has_positive_term() const {
  return !keywords.empty() || !phrases.empty() || !hashtags.empty() || !mentions.empty() ||
         !authors.empty();
}

bool is_did(std::string_view text) {
  if (!text.starts_with("did:")) return false;
  const std::size_t method_end = text.find(':', 4);
  if (method_end == std::string_view::npos || method_end == 4) return false;
  for (std::size_t index = 4; index < method_end; ++index) {
    if (text[index] < 'a' || text[index] > 'z') return false;
  }
  const std::string_view id = text.substr(method_end + 1);
  if (id.empty() || id.back() == ':') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return ascii_alnum(c) || c == '.' || c == '_' || c == ':' || c == '%' || c == '-';
  });
}

bool is_handle(std::string_view text) {
  if (text.empty() || text.size() > handle_length_max) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('.', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view label = text.substr(start, end - start);
    if (label.empty() || label.size() > handle_label_length_max) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(),
                     [](char c) { return ascii_alnum(c) || c == '-'; })) {
      return false;
    }
    ++labels;
    start = end + 1;
  }
  return labels >= 2;
}

core::Result<StreamQuery> parse_stream_query(std::string_view text) {
  return QueryParser(text).parse();
}

core::Result<StreamQuery> normalize_stream_query(StreamQuery query) {
  StreamQuery out;
  struct Field {
    const std::vector<std::string>& in;
    std::vector<std::string>& out;
    std::string name;
    Checker check;
    char strip_prefix;
    bool collapse;
  };
  const Field fields[] = {
      {query.keywords, out.keywords, "keywords", keyword_problem, 0, false},
      {query.phrases, out.phrases, "phrases", text_problem, 0, true},
      {query.hashtags, out.hashtags, "hashtags", hashtag_problem, '#', false},
      {query.mentions, out.mentions, "mentions", account_problem, '@', false},
      {query.authors, out.authors, "authors", account_problem, 0, false},
      {query.excluded_words, out.excluded_words, "excluded_words", excluded_word_problem, 0, false},
      {query.excluded_phrases, out.excluded_phrases, "excluded_phrases", text_problem, 0, true},
  };
  for (const Field& field : fields) {
    auto normalized =
        normalize_list(field.in, field.name, field.check, field.strip_prefix, field.collapse);
    if (!normalized) return std::move(normalized).error();
    field.out = std::move(*normalized);
  }
  for (std::size_t index = 0; index < query.languages.size(); ++index) {
    auto tag = normalize_language_tag(trim(query.languages[index]));
    if (!tag) {
      return field_error("languages[" + std::to_string(index) + "]", "is not a language tag");
    }
    add_unique(out.languages, std::move(*tag));
  }
  if (auto totals = check_totals(out); !totals) return std::move(totals).error();
  return out;
}

std::string format_stream_query(const StreamQuery& query) {
  std::string out;
  bool first = true;
  append_all(out, query.keywords, "", " OR ", false, first);
  append_all(out, query.phrases, "", " OR ", true, first);
  append_all(out, query.hashtags, "#", " OR ", false, first);
  append_all(out, query.mentions, "@", " OR ", false, first);
  append_all(out, query.authors, from_prefix, " ", false, first);
  append_all(out, query.excluded_words, "-", " ", false, first);
  append_all(out, query.excluded_phrases, "-", " ", true, first);
  append_all(out, query.languages, lang_prefix, " ", false, first);
  return out;
}

}  // namespace roost::domain
