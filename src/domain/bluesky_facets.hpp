#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

// Rich-text facets of a Bluesky post (lexicon app.bsky.richtext.facet): links, mentions and
// hashtags found in the text, located by UTF-8 byte offsets. Detection follows detectFacets
// of the reference client (@atproto/api, rich-text/detection.ts); ADR 0013 lists where and
// why it differs.
namespace roost::domain {

enum class FacetKind { link, mention, tag };

struct RichTextFacet {
  FacetKind kind = FacetKind::link;
  std::size_t byte_start = 0;  // inclusive, in the UTF-8 text
  std::size_t byte_end = 0;    // exclusive
  // link: the URI ("https://" added to a bare domain); mention: the handle, lower case,
  // without "@"; tag: the tag without "#".
  std::string value;
  std::string did;  // mention only, once resolved
  bool operator==(const RichTextFacet&) const = default;
};

// The facets of `text`, ordered by byte_start, none overlapping another (where two would,
// the one that starts first is kept). invalid_request when `text` is not valid UTF-8.
// - link: "http://" or "https://" and what follows up to white space, or a bare domain
//   whose last label is a top-level domain ("example.com/path"); after white space, "(" or
//   at the start. One trailing . , ; : ! or ? is not part of it, nor a trailing ")" when
//   the link holds no "(".
// - mention: "@" and a handle whose last label is a top-level domain or "test", after
//   white space, "(" or at the start.
// - tag: "#" or the fullwidth "＃" after white space or at the start, then everything up to
//   white space, without trailing punctuation; not only digits; at most 64 graphemes.
core::Result<std::vector<RichTextFacet>> detect_facets(std::string_view text);

// The distinct handles the mentions name, in order of first appearance.
std::vector<std::string> mention_handles(const std::vector<RichTextFacet>& facets);

// A handle's DID ("did:plc:…"), or nullopt when the handle does not resolve.
using HandleResolver = std::function<std::optional<std::string>(std::string_view handle)>;

// `facets` with each mention's did filled in by `resolve` (called once per distinct handle);
// a mention whose handle does not resolve to a DID is dropped: its text stays plain, as in
// the reference client.
std::vector<RichTextFacet> resolve_mentions(std::vector<RichTextFacet> facets,
                                            const HandleResolver& resolve);

// The `facets` array of an app.bsky.feed.post record:
//   [{"$type":"app.bsky.richtext.facet","index":{"byteStart":…,"byteEnd":…},
//     "features":[{"$type":"app.bsky.richtext.facet#link","uri":…}]}, …]
// with #mention {"did"} and #tag {"tag"} features. Mentions without a DID are left out.
nlohmann::json facets_to_json(const std::vector<RichTextFacet>& facets);

}  // namespace roost::domain
