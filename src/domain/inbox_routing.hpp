#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"

// The team inbox's items and routing rules (PRODUCT.md §5, ADR 0025), without I/O: what an
// item is, and which team, tags and priority the rules of an organization give a new one.
namespace roost::domain {

// What an incoming post is to a profile; one post that is several is its strongest.
enum class InboxKind { mention, quote, reply };
enum class InboxStatus { open, pending, resolved };
enum class InboxPriority { low, normal, high, urgent };

std::string_view inbox_kind_name(InboxKind kind);
std::optional<InboxKind> parse_inbox_kind(std::string_view name);
std::string_view inbox_status_name(InboxStatus status);
std::optional<InboxStatus> parse_inbox_status(std::string_view name);
std::string_view inbox_priority_name(InboxPriority priority);
std::optional<InboxPriority> parse_inbox_priority(std::string_view name);

// Every condition that is set must hold; a rule without any matches every item.
struct RoutingConditions {
  std::vector<std::string> keywords;  // any one of them, found ignoring ASCII case
  std::string regex;                  // vectorscan syntax, caseless, UTF-8
  std::string author;                 // the author as typed: a DID, or a handle (without '@')
  // The DID routing compares with the post's author (ADR 0034): `author` itself when it is a
  // DID; for a handle, the DID it resolved to when the rule was saved; empty while a handle
  // saved before resolution existed is not resolved yet.
  std::string author_did;
  std::optional<core::ProfileId> profile;
  bool operator==(const RoutingConditions&) const = default;
};

struct RoutingActions {
  std::optional<core::TeamId> team;
  std::vector<std::string> tags;
  std::optional<InboxPriority> priority;
  bool operator==(const RoutingActions&) const = default;
};

struct RoutingRule {
  core::InboxRuleId id;
  std::string name;
  RoutingConditions when;
  RoutingActions then;
};

// A rule as it is saved: names, keywords, tags and the regex checked and bounded
// (core/limits.hpp); the regex must compile. invalid_request with one detail per problem
// ("keywords[2]", "regex", "tags[0]", ...). Keywords and tags come back trimmed, and tags
// lower-cased and without duplicates. The author must be a DID or a handle (a leading '@' is
// dropped); author_did comes back as the author when it is a DID and empty otherwise: a
// handle's DID is the caller's to resolve (author_needs_resolving).
core::Result<RoutingRule> normalize_rule(RoutingRule rule);
// Whether the rule names its author by a handle whose DID is not known yet.
bool author_needs_resolving(const RoutingConditions& when);
// A tag as items keep it: trimmed, ASCII lower-cased, 1..inbox_tag_bytes_max bytes, valid
// UTF-8 without control characters. invalid_request naming `field` otherwise.
core::Result<std::string> normalize_tag(std::string_view tag, const std::string& field);

// One regex compiled with vectorscan: matching is linear in the text, whatever the pattern.
class CompiledRegex {
 public:
  // invalid_request (detail "regex") with vectorscan's reason, for a pattern that does not
  // compile, matches the empty string, or compiles beyond the size limit.
  static core::Result<std::shared_ptr<const CompiledRegex>> compile(std::string_view pattern);
  ~CompiledRegex();
  CompiledRegex(const CompiledRegex&) = delete;
  CompiledRegex& operator=(const CompiledRegex&) = delete;
  // Whether the pattern matches somewhere in the first inbox_routed_text_bytes_max bytes.
  bool matches(std::string_view text) const;

 private:
  struct Compiled;
  explicit CompiledRegex(std::unique_ptr<Compiled> compiled);
  std::unique_ptr<Compiled> compiled_;
};

// What the routing is about: the post and the profile it concerns.
struct RoutingInput {
  std::string_view text;
  std::string_view author_did;
  std::string_view author_handle;  // empty when unknown
  core::ProfileId profile;
};

// Rules in order: the first matching rule that names a team assigns the item to it (and
// no person), the first that sets a priority sets it; every matching rule adds its tags.
struct RoutingOutcome {
  std::optional<core::TeamId> team;
  std::optional<core::InboxRuleId> assigned_by;  // the rule that chose the team
  std::vector<std::string> tags;
  std::optional<InboxPriority> priority;
  std::vector<core::InboxRuleId> matched;  // every rule that matched, in order
};

// The rules of one organization, ready to route: each regex compiled once.
class RuleSet {
 public:
  // Compiles each regex once. A stored regex that no longer compiles makes its rule match
  // nothing (never everything).
  explicit RuleSet(std::vector<RoutingRule> rules);
  RoutingOutcome route(const RoutingInput& input) const;

 private:
  struct Entry {
    RoutingRule rule;
    std::shared_ptr<const CompiledRegex> regex;  // null: no regex condition
    bool broken = false;
  };
  bool matches(const Entry& entry, const RoutingInput& input) const;
  std::vector<Entry> entries_;
};

}  // namespace roost::domain
