#include "domain/inbox_routing.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "core/ascii.hpp"
#include "core/limits.hpp"
#include "core/utf8.hpp"
#include "domain/stream_query.hpp"
#include "domain/text.hpp"

namespace roost::domain {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> parse_named(const std::array<std::string_view, N>& names,
                                std::string_view name) {
  for (std::size_t index = 0; index < N; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 3> kind_names{"mention", "quote", "reply"};
constexpr std::array<std::string_view, 3> status_names{"open", "pending", "resolved"};
constexpr std::array<std::string_view, 4> priority_names{"low", "normal", "high", "urgent"};

void add_problem(core::Error& error, std::string field, std::string message) {
  error.details.push_back({std::move(field), std::move(message), 0, 0});
}

std::string indexed(std::string_view name, std::size_t index) {
  std::string field(name);
  field += '[';
  field += std::to_string(index);
  field += ']';
  return field;
}

// A keyword, tag or name: trimmed, valid UTF-8, no control characters, within max_bytes.
std::optional<std::string> checked_text(std::string_view text, std::size_t max_bytes,
                                        core::Error& problems, const std::string& field) {
  auto trimmed = trim(text);
  if (trimmed.empty()) {
    add_problem(problems, field, "must not be empty");
    return std::nullopt;
  }
  if (trimmed.size() > max_bytes) {
    add_problem(problems, field, "must be at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  if (!count_code_points(trimmed) || has_control_characters(trimmed)) {
    add_problem(problems, field, "must be UTF-8 text without control characters");
    return std::nullopt;
  }
  return std::string(trimmed);
}

constexpr std::size_t rule_name_bytes_max = 100;

}  // namespace

std::string_view inbox_kind_name(InboxKind kind) {
  return kind_names[static_cast<std::size_t>(kind)];
}
std::optional<InboxKind> parse_inbox_kind(std::string_view name) {
  return parse_named<InboxKind>(kind_names, name);
}
std::string_view inbox_status_name(InboxStatus status) {
  return status_names[static_cast<std::size_t>(status)];
}
std::optional<InboxStatus> parse_inbox_status(std::string_view name) {
  return parse_named<InboxStatus>(status_names, name);
}
std::string_view inbox_priority_name(InboxPriority priority) {
  return priority_names[static_cast<std::size_t>(priority)];
}
std::optional<InboxPriority> parse_inbox_priority(std::string_view name) {
  return parse_named<InboxPriority>(priority_names, name);
}

core::Result<std::string> normalize_tag(std::string_view tag, const std::string& field) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  auto checked = checked_text(tag, core::limits::inbox_tag_bytes_max, problems, field);
  if (!checked) return problems;
  return core::ascii_lower(*checked);
}

core::Result<RoutingRule> normalize_rule(RoutingRule rule) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid routing rule");
  if (auto name = checked_text(rule.name, rule_name_bytes_max, problems, "name")) {
    rule.name = std::move(*name);
  }
  if (rule.when.keywords.size() > core::limits::inbox_rule_keywords_max) {
    add_problem(problems, "keywords",
                "at most " + std::to_string(core::limits::inbox_rule_keywords_max) + " keywords");
  }
  for (std::size_t index = 0; index < rule.when.keywords.size(); ++index) {
    auto keyword =
        checked_text(rule.when.keywords[index], core::limits::inbox_rule_keyword_bytes_max,
                     problems, indexed("keywords", index));
    if (keyword) rule.when.keywords[index] = std::move(*keyword);
  }
  if (!rule.when.regex.empty()) {
    if (rule.when.regex.size() > core::limits::inbox_rule_regex_bytes_max) {
      add_problem(
          problems, "regex",
          "must be at most " + std::to_string(core::limits::inbox_rule_regex_bytes_max) + " bytes");
    } else if (auto compiled = CompiledRegex::compile(rule.when.regex); !compiled) {
      for (auto& detail : compiled.error().details) problems.details.push_back(detail);
    }
  }
  rule.when.author = std::string(trim(rule.when.author));
  if (!rule.when.author.empty() && rule.when.author.front() == '@') rule.when.author.erase(0, 1);
  rule.when.author_did.clear();
  if (rule.when.author.size() > core::limits::inbox_rule_keyword_bytes_max * 3) {
    add_problem(problems, "author", "is too long");
  } else if (is_did(rule.when.author)) {
    rule.when.author_did = rule.when.author;
  } else if (!rule.when.author.empty() && !is_handle(core::ascii_lower(rule.when.author))) {
    add_problem(problems, "author", "must be a DID or a handle (alice.example.com)");
  }
  if (rule.then.tags.size() > core::limits::inbox_tags_per_item_max) {
    add_problem(problems, "tags",
                "at most " + std::to_string(core::limits::inbox_tags_per_item_max) + " tags");
  }
  std::vector<std::string> tags;
  for (std::size_t index = 0; index < rule.then.tags.size(); ++index) {
    auto tag = normalize_tag(rule.then.tags[index], indexed("tags", index));
    if (!tag) {
      for (auto& detail : tag.error().details) problems.details.push_back(detail);
      continue;
    }
    if (std::find(tags.begin(), tags.end(), *tag) == tags.end()) tags.push_back(std::move(*tag));
  }
  rule.then.tags = std::move(tags);
  if (!problems.details.empty()) return problems;
  return rule;
}

bool author_needs_resolving(const RoutingConditions& when) {
  return !when.author.empty() && when.author_did.empty();
}

struct CompiledRegex::Compiled {
  hs_database_t* database = nullptr;
  hs_scratch_t* scratch = nullptr;
  // One scratch space, used by one scan at a time: routing is one thread per batch, and a
  // scratch per call would allocate on every post.
  std::mutex scratch_mutex;
  ~Compiled() {
    if (scratch != nullptr) hs_free_scratch(scratch);
    if (database != nullptr) hs_free_database(database);
  }
};

CompiledRegex::CompiledRegex(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
CompiledRegex::~CompiledRegex() = default;

core::Result<std::shared_ptr<const CompiledRegex>> CompiledRegex::compile(
    std::string_view pattern) {
  auto refused = [](std::string reason) {
    core::Error error = core::make_error(core::ErrorCode::invalid_request, "invalid regex");
    add_problem(error, "regex", std::move(reason));
    return error;
  };
  if (pattern.empty() || pattern.size() > core::limits::inbox_rule_regex_bytes_max) {
    return refused("must be 1 to " + std::to_string(core::limits::inbox_rule_regex_bytes_max) +
                   " bytes");
  }
  if (!count_code_points(pattern)) return refused("must be UTF-8");
  const std::string terminated(pattern);  // hs_compile reads a NUL-terminated pattern
  auto compiled = std::make_unique<Compiled>();
  hs_compile_error_t* error = nullptr;
  // Without HS_FLAG_UCP: vectorscan refuses \b in UCP mode, and word boundaries are what
  // rules need most; \w, \b and case folding are therefore ASCII's (ADR 0025).
  const unsigned flags = HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_SINGLEMATCH;
  if (hs_compile(terminated.c_str(), flags, HS_MODE_BLOCK, nullptr, &compiled->database, &error) !=
      HS_SUCCESS) {
    std::string reason =
        error != nullptr && error->message != nullptr ? error->message : "does not compile";
    hs_free_compile_error(error);
    return refused(reason);
  }
  std::size_t size = 0;
  if (hs_database_size(compiled->database, &size) != HS_SUCCESS ||
      size > core::limits::inbox_rule_regex_database_bytes_max) {
    return refused("compiles to more than " +
                   std::to_string(core::limits::inbox_rule_regex_database_bytes_max) + " bytes");
  }
  if (hs_alloc_scratch(compiled->database, &compiled->scratch) != HS_SUCCESS) {
    return core::make_error(core::ErrorCode::internal, "vectorscan could not allocate scratch");
  }
  return std::shared_ptr<const CompiledRegex>(new CompiledRegex(std::move(compiled)));
}

bool CompiledRegex::matches(std::string_view text) const {
  const auto bounded = core::utf8_prefix(text, core::limits::inbox_routed_text_bytes_max);
  bool matched = false;
  auto on_match = [](unsigned int, unsigned long long, unsigned long long, unsigned int,
                     void* context) -> int {
    *static_cast<bool*>(context) = true;
    return 1;  // stop at the first match
  };
  std::lock_guard lock(compiled_->scratch_mutex);
  hs_scan(compiled_->database, bounded.data(), static_cast<unsigned int>(bounded.size()), 0,
          compiled_->scratch, on_match, &matched);
  return matched;
}

RuleSet::RuleSet(std::vector<RoutingRule> rules) {
  entries_.reserve(rules.size());
  for (auto& rule : rules) {
    Entry entry{std::move(rule), nullptr, false};
    if (!entry.rule.when.regex.empty()) {
      auto compiled = CompiledRegex::compile(entry.rule.when.regex);
      if (compiled) {
        entry.regex = std::move(*compiled);
      } else {
        entry.broken = true;
      }
    }
    entries_.push_back(std::move(entry));
  }
}

bool RuleSet::matches(const Entry& entry, const RoutingInput& input) const {
  if (entry.broken) return false;
  const auto& when = entry.rule.when;
  if (when.profile && *when.profile != input.profile) return false;
  if (!when.author.empty()) {
    // By the DID the author resolved to: the post names its author by DID only. A handle not
    // resolved yet can only match an author whose handle the caller knows.
    if (!when.author_did.empty()) {
      if (core::ascii_lower(when.author_did) != core::ascii_lower(input.author_did)) return false;
    } else if (input.author_handle.empty() ||
               core::ascii_lower(when.author) != core::ascii_lower(input.author_handle)) {
      return false;
    }
  }
  if (!when.keywords.empty()) {
    const auto text =
        core::ascii_lower(core::utf8_prefix(input.text, core::limits::inbox_routed_text_bytes_max));
    const bool found = std::any_of(
        when.keywords.begin(), when.keywords.end(), [&text](const std::string& keyword) {
          return text.find(core::ascii_lower(keyword)) != std::string::npos;
        });
    if (!found) return false;
  }
  if (entry.regex && !entry.regex->matches(input.text)) return false;
  return true;
}

RoutingOutcome RuleSet::route(const RoutingInput& input) const {
  RoutingOutcome outcome;
  for (const auto& entry : entries_) {
    if (!matches(entry, input)) continue;
    const auto& then = entry.rule.then;
    outcome.matched.push_back(entry.rule.id);
    if (!outcome.team && then.team) {
      outcome.team = then.team;
      outcome.assigned_by = entry.rule.id;
    }
    if (!outcome.priority && then.priority) outcome.priority = then.priority;
    for (const auto& tag : then.tags) {
      if (std::find(outcome.tags.begin(), outcome.tags.end(), tag) == outcome.tags.end() &&
          outcome.tags.size() < core::limits::inbox_tags_per_item_max) {
        outcome.tags.push_back(tag);
      }
    }
  }
  return outcome;
}

}  // namespace roost::domain
