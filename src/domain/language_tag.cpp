#include "domain/language_tag.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "core/ascii.hpp"

namespace roost::domain {
namespace {

// RFC 5646 §2.1 bounds: the longest well-formed tags are far below this.
constexpr std::size_t language_tag_length_max = 128;
constexpr std::size_t extlang_count_max = 3;

// The irregular grandfathered tags (RFC 5646 §2.2.8), which the grammar cannot describe,
// in their registry case. The regular ones ("zh-min-nan", "art-lojban"…) parse as
// language-extlang or language-variant anyway.
constexpr std::array<std::string_view, 17> irregular_tags = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool all_alpha(std::string_view s) { return std::all_of(s.begin(), s.end(), is_alpha); }
bool all_digit(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }
bool all_alphanumeric(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_alpha(c) || is_digit(c); });
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && core::ascii_lower(a) == core::ascii_lower(b);
}

std::vector<std::string_view> split_subtags(std::string_view tag) {
  std::vector<std::string_view> subtags;
  while (true) {
    auto dash = tag.find('-');
    subtags.push_back(tag.substr(0, dash));
    if (dash == std::string_view::npos) break;
    tag.remove_prefix(dash + 1);
  }
  return subtags;
}

bool is_script(std::string_view s) { return s.size() == 4 && all_alpha(s); }
bool is_region(std::string_view s) {
  return (s.size() == 2 && all_alpha(s)) || (s.size() == 3 && all_digit(s));
}
bool is_variant(std::string_view s) {
  if (!all_alphanumeric(s)) return false;
  return (s.size() >= 5 && s.size() <= 8) || (s.size() == 4 && is_digit(s.front()));
}
bool is_singleton(std::string_view s) {
  return s.size() == 1 && all_alphanumeric(s) && core::ascii_lower(s.front()) != 'x';
}
bool is_extension_or_private_subtag(std::string_view s, std::size_t length_min) {
  return s.size() >= length_min && s.size() <= 8 && all_alphanumeric(s);
}

core::Error bad_tag(std::string_view tag, std::string_view why) {
  return core::make_error(core::ErrorCode::invalid_request,
                          core::quoted(tag) + " is not a language tag: " + std::string(why));
}

// "x-…": private use, after a tag or alone. True when the subtags from `index` on are exactly
// that; `index` then points past them.
bool parse_private_use(const std::vector<std::string_view>& subtags, std::size_t& index) {
  if (index >= subtags.size() || core::ascii_lower(subtags[index].front()) != 'x' ||
      subtags[index].size() != 1) {
    return false;
  }
  ++index;
  if (index >= subtags.size()) return false;
  for (; index < subtags.size(); ++index) {
    if (!is_extension_or_private_subtag(subtags[index], 1)) return false;
  }
  return true;
}

}  // namespace

core::Result<std::string> normalize_language_tag(std::string_view tag) {
  if (tag.empty()) return bad_tag(tag, "it is empty");
  if (tag.size() > language_tag_length_max) return bad_tag(tag, "it is too long");
  for (auto irregular : irregular_tags) {
    if (equals_ignoring_case(tag, irregular)) return std::string(irregular);
  }
  auto subtags = split_subtags(tag);
  if (std::any_of(subtags.begin(), subtags.end(), [](auto s) { return s.empty(); })) {
    return bad_tag(tag, "it has an empty subtag");
  }

  std::vector<std::string> out;
  std::size_t index = 0;
  if (parse_private_use(subtags, index)) return core::ascii_lower(tag);
  index = 0;

  auto language = subtags[index];
  // The grammar also allows 5-8 letters for languages registered with IANA in future, but
  // none is: refusing them turns "english" or "french" into an error instead of a tag.
  if (!all_alpha(language) || language.size() < 2 || language.size() > 3) {
    return bad_tag(tag, "the language must be a 2- or 3-letter ISO 639 code");
  }
  out.push_back(core::ascii_lower(language));
  ++index;
  std::size_t extlangs = 0;
  while (index < subtags.size() && subtags[index].size() == 3 && all_alpha(subtags[index]) &&
         extlangs < extlang_count_max) {
    out.push_back(core::ascii_lower(subtags[index++]));
    ++extlangs;
  }
  if (index < subtags.size() && is_script(subtags[index])) {
    std::string script = core::ascii_lower(subtags[index++]);
    script.front() = to_upper(script.front());
    out.push_back(script);
  }
  if (index < subtags.size() && is_region(subtags[index])) {
    std::string region(subtags[index++]);
    for (char& c : region) c = to_upper(c);
    out.push_back(region);
  }
  std::vector<std::string> variants;
  while (index < subtags.size() && is_variant(subtags[index])) {
    auto variant = core::ascii_lower(subtags[index++]);
    if (std::find(variants.begin(), variants.end(), variant) != variants.end()) {
      return bad_tag(tag, "a variant is repeated");
    }
    variants.push_back(variant);
    out.push_back(variant);
  }
  std::vector<char> singletons;
  while (index < subtags.size() && is_singleton(subtags[index])) {
    char singleton = core::ascii_lower(subtags[index].front());
    if (std::find(singletons.begin(), singletons.end(), singleton) != singletons.end()) {
      return bad_tag(tag, "an extension is repeated");
    }
    singletons.push_back(singleton);
    out.push_back(std::string(1, singleton));
    ++index;
    std::size_t extension_subtags = 0;
    while (index < subtags.size() && is_extension_or_private_subtag(subtags[index], 2)) {
      out.push_back(core::ascii_lower(subtags[index++]));
      ++extension_subtags;
    }
    if (extension_subtags == 0) return bad_tag(tag, "an extension is empty");
  }
  if (index < subtags.size()) {
    std::size_t private_start = index;
    if (!parse_private_use(subtags, index)) {
      return bad_tag(tag, core::quoted(subtags[private_start]) + " is out of place");
    }
    for (std::size_t i = private_start; i < subtags.size(); ++i)
      out.push_back(core::ascii_lower(subtags[i]));
  }

  std::string normalized;
  for (const auto& subtag : out) {
    if (!normalized.empty()) normalized += '-';
    normalized += subtag;
  }
  return normalized;
}

}  // namespace roost::domain
