#include "domain/bluesky_facets.hpp"

#include <algorithm>
#include <map>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "core/ascii.hpp"
#include "domain/graphemes.hpp"
#include "domain/text.hpp"
#include "domain/top_level_domains.hpp"

namespace roost::domain {
namespace {

// The lexicon's bounds on a tag (app.bsky.richtext.facet#tag).
constexpr std::size_t tag_graphemes_max = 64;
constexpr std::size_t tag_bytes_max = 640;

constexpr char32_t fullwidth_number_sign = 0xFF03;
constexpr char32_t variation_selector_16 = 0xFE0F;
constexpr std::string_view test_suffix = ".test";  // handles of local PDSes

// One code point of the text and the byte where it starts.
struct CodePoint {
  char32_t value = 0;
  std::size_t byte = 0;
};

// The text as code points, plus a sentinel at its end so that code_points[i].byte is also
// the end of code point i - 1. The text is valid UTF-8 (checked by the caller).
std::vector<CodePoint> decode(std::string_view text) {
  std::vector<CodePoint> code_points;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  auto length = static_cast<int32_t>(text.size());
  int32_t offset = 0;
  while (offset < length) {
    auto start = static_cast<std::size_t>(offset);
    UChar32 value = 0;
    U8_NEXT(bytes, offset, length, value);
    code_points.push_back({static_cast<char32_t>(value), start});
  }
  code_points.push_back({0, text.size()});
  return code_points;
}

// JavaScript's \s, which the reference's regular expressions use.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}
bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_ascii_alphanumeric(char32_t c) { return is_ascii_letter(c) || is_ascii_digit(c); }
bool is_word(char32_t c) { return is_ascii_alphanumeric(c) || c == '_'; }  // JavaScript's \w
bool is_punctuation(char32_t c) { return u_ispunct(static_cast<UChar32>(c)) != 0; }
// Characters that end a tag besides white space: invisible joiners and separators that
// would otherwise glue a tag to the next word.
bool ends_tag(char32_t c) {
  return is_space(c) || c == 0xAD || c == 0x2060 || c == 0x200A || c == 0x200B || c == 0x200C ||
         c == 0x200D || c == 0x20E2;
}

class Detector {
 public:
  explicit Detector(std::string_view text) : text_(text), code_points_(decode(text)) {}

  std::vector<RichTextFacet> detect() {
    find_mentions();
    find_links();
    find_tags();
    return without_overlaps(std::move(found_));
  }

 private:
  std::size_t size() const { return code_points_.size() - 1; }  // without the sentinel
  char32_t at(std::size_t index) const { return code_points_[index].value; }
  std::string_view slice(std::size_t begin, std::size_t end) const {
    return text_.substr(code_points_[begin].byte,
                        code_points_[end].byte - code_points_[begin].byte);
  }
  void add(FacetKind kind, std::size_t begin, std::size_t end, std::string value) {
    found_.push_back(
        {kind, code_points_[begin].byte, code_points_[end].byte, std::move(value), {}});
  }

  // Mentions and links start after white space, "(" or at the start of the text.
  bool may_start_after(std::size_t index) const {
    if (index == 0) return true;
    char32_t before = at(index - 1);
    return is_space(before) || before == '(';
  }

  void find_mentions() {
    for (std::size_t at_sign = 0; at_sign < size(); ++at_sign) {
      if (at(at_sign) != '@' || !may_start_after(at_sign)) continue;
      std::size_t begin = at_sign + 1;
      std::size_t end = begin;
      while (end < size() && (is_ascii_alphanumeric(at(end)) || at(end) == '.' || at(end) == '-'))
        ++end;
      // The reference ends the handle at a word boundary (\b), giving back trailing dots and
      // dashes: "@alice.test." mentions alice.test.
      while (end > begin && is_word(at(end - 1)) == (end < size() && is_word(at(end)))) --end;
      if (end == begin) continue;
      std::string handle = core::ascii_lower(slice(begin, end));
      if (!has_known_top_level_domain(handle) && !handle.ends_with(test_suffix)) continue;
      add(FacetKind::mention, at_sign, end, std::move(handle));
    }
  }

  // The end of a bare domain starting at `begin` ([a-z][a-z0-9]*(\.[a-z0-9]+)+), or begin
  // when there is none.
  std::size_t domain_end(std::size_t begin) const {
    if (!is_ascii_letter(at(begin))) return begin;
    std::size_t end = begin + 1;
    while (end < size() && is_ascii_alphanumeric(at(end))) ++end;
    std::size_t labels = 0;
    while (end + 1 < size() && at(end) == '.' && is_ascii_alphanumeric(at(end + 1))) {
      end += 2;
      while (end < size() && is_ascii_alphanumeric(at(end))) ++end;
      ++labels;
    }
    return labels == 0 ? begin : end;
  }

  bool starts_with_scheme(std::size_t begin, std::size_t& after) const {
    for (std::string_view scheme : {std::string_view("https://"), std::string_view("http://")}) {
      if (begin + scheme.size() > size()) continue;
      bool matches = true;
      for (std::size_t offset = 0; offset < scheme.size() && matches; ++offset) {
        char32_t c = at(begin + offset);
        if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
        matches = c == static_cast<char32_t>(scheme[offset]);
      }
      if (matches) {
        after = begin + scheme.size();
        return true;
      }
    }
    return false;
  }

  void find_links() {
    // Like the reference's global regular expression, a search resumes after the previous
    // match, so "(" inside a link does not start another one.
    std::size_t resume = 0;
    for (std::size_t begin = 0; begin < size(); ++begin) {
      if (begin < resume) continue;
      if (begin > 0 && begin - 1 < resume && at(begin - 1) == '(') continue;
      if (!may_start_after(begin)) continue;
      std::size_t end = begin;
      while (end < size() && !is_space(at(end))) ++end;
      std::size_t after_scheme = 0;
      std::string prefix;
      if (starts_with_scheme(begin, after_scheme) && after_scheme < end) {
        // http(s):// and at least one character
      } else {
        std::size_t domain = domain_end(begin);
        if (domain == begin) continue;
        resume = end;
        if (!has_known_top_level_domain(core::ascii_lower(slice(begin, domain)))) continue;
        prefix = "https://";
      }
      resume = end;
      if (end - begin > 0 &&
          std::u32string_view(U".,;:!?").find(at(end - 1)) != std::u32string_view::npos)
        --end;
      auto link = slice(begin, end);
      if (end > begin && at(end - 1) == ')' && link.find('(') == std::string_view::npos) --end;
      add(FacetKind::link, begin, end, prefix + std::string(slice(begin, end)));
    }
  }

  void find_tags() {
    for (std::size_t sign = 0; sign < size(); ++sign) {
      if (at(sign) != '#' && at(sign) != fullwidth_number_sign) continue;
      if (sign > 0 && !is_space(at(sign - 1))) continue;
      std::size_t begin = sign + 1;
      if (begin < size() && at(begin) == variation_selector_16)
        continue;  // the keycap emoji #️⃣
      std::size_t end = begin;
      bool has_word = false;  // a character that is neither a digit nor punctuation
      for (; end < size() && !ends_tag(at(end)); ++end) {
        if (!is_ascii_digit(at(end)) && !is_punctuation(at(end))) has_word = true;
      }
      if (!has_word) continue;
      while (end > begin && is_punctuation(at(end - 1))) --end;
      auto tag = slice(begin, end);
      auto graphemes = count_graphemes(tag);
      if (!graphemes || *graphemes > tag_graphemes_max || tag.size() > tag_bytes_max) continue;
      add(FacetKind::tag, sign, end, std::string(tag));
    }
  }

  static std::vector<RichTextFacet> without_overlaps(std::vector<RichTextFacet> facets) {
    std::stable_sort(facets.begin(), facets.end(),
                     [](const auto& a, const auto& b) { return a.byte_start < b.byte_start; });
    std::vector<RichTextFacet> kept;
    for (auto& facet : facets) {
      if (!kept.empty() && facet.byte_start < kept.back().byte_end) continue;
      kept.push_back(std::move(facet));
    }
    return kept;
  }

  std::string_view text_;
  std::vector<CodePoint> code_points_;
  std::vector<RichTextFacet> found_;
};

std::string_view feature_type(FacetKind kind) {
  switch (kind) {
    case FacetKind::link: return "app.bsky.richtext.facet#link";
    case FacetKind::mention: return "app.bsky.richtext.facet#mention";
    case FacetKind::tag: return "app.bsky.richtext.facet#tag";
  }
  return "";
}

}  // namespace

core::Result<std::vector<RichTextFacet>> detect_facets(std::string_view text) {
  if (!count_code_points(text)) {
    return core::make_error(core::ErrorCode::invalid_request, "text is not valid UTF-8");
  }
  return Detector(text).detect();
}

std::vector<std::string> mention_handles(const std::vector<RichTextFacet>& facets) {
  std::vector<std::string> handles;
  for (const auto& facet : facets) {
    if (facet.kind != FacetKind::mention) continue;
    if (std::find(handles.begin(), handles.end(), facet.value) == handles.end())
      handles.push_back(facet.value);
  }
  return handles;
}

std::vector<RichTextFacet> resolve_mentions(std::vector<RichTextFacet> facets,
                                            const HandleResolver& resolve) {
  std::map<std::string, std::optional<std::string>> dids;
  for (const auto& handle : mention_handles(facets)) {
    auto did = resolve(handle);
    if (did && !did->starts_with("did:")) did.reset();  // not an identifier a PDS accepts
    dids.emplace(handle, std::move(did));
  }
  std::vector<RichTextFacet> resolved;
  for (auto& facet : facets) {
    if (facet.kind == FacetKind::mention) {
      const auto& did = dids.at(facet.value);
      if (!did) continue;
      facet.did = *did;
    }
    resolved.push_back(std::move(facet));
  }
  return resolved;
}

nlohmann::json facets_to_json(const std::vector<RichTextFacet>& facets) {
  auto array = nlohmann::json::array();
  for (const auto& facet : facets) {
    nlohmann::json feature = {{"$type", feature_type(facet.kind)}};
    switch (facet.kind) {
      case FacetKind::link: feature["uri"] = facet.value; break;
      case FacetKind::mention:
        if (facet.did.empty()) continue;
        feature["did"] = facet.did;
        break;
      case FacetKind::tag: feature["tag"] = facet.value; break;
    }
    array.push_back({{"$type", "app.bsky.richtext.facet"},
                     {"index", {{"byteStart", facet.byte_start}, {"byteEnd", facet.byte_end}}},
                     {"features", nlohmann::json::array({feature})}});
  }
  return array;
}

}  // namespace roost::domain
