#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

// A shared stream's saved search (PRODUCT.md §5, ADR 0024), as structured fields and as the
// search-box syntax that parses into them:
//
//   roost OR "shared inbox" #roost @alice.test from:did:plc:xyz -spam -"buy now" lang:fr
//
//   word          keyword (any of the positive terms matches; "OR" between them is optional)
//   "a phrase"    exact phrase
//   #tag          hashtag (the post's tags and its text)
//   @handle       mention of a handle or a DID (@did:plc:…)
//   from:X        author filter, a handle or a DID (several: any of them)
//   -word         exclusion of a word; -"a phrase" of a phrase
//   lang:xx       language filter, a BCP 47 tag (several: any of them)
//
// Matching (ingest/stream_matcher) is case-insensitive and whole-word; a post matches when a
// positive term (or, for a query without one, the author filter) matches, the author and
// language filters pass and no exclusion occurs.
namespace roost::domain {

struct StreamQuery {
  std::vector<std::string> keywords;
  std::vector<std::string> phrases;
  std::vector<std::string> hashtags;  // without the '#'
  std::vector<std::string> mentions;  // handles or DIDs, without the '@'
  std::vector<std::string> authors;   // handles or DIDs
  std::vector<std::string> excluded_words;
  std::vector<std::string> excluded_phrases;
  std::vector<std::string> languages;  // normalized BCP 47 tags

  bool operator==(const StreamQuery&) const = default;
  std::size_t term_count() const;
  // Whether the query has a term a post can be found by: a keyword, phrase, hashtag, mention
  // or author. Exclusions and languages only narrow.
  bool has_positive_term() const;
};

// Parses the search-box syntax. invalid_request naming the problem (and its position, a
// 1-based byte column in the detail "query"): not UTF-8, over
// core::limits::stream_query_bytes_max as typed or as format_stream_query writes it out (what
// is saved, which must parse again), an unterminated quote, an empty phrase, hashtag,
// mention or filter, a bad handle, DID or language tag, a term over
// core::limits::stream_term_bytes_max, more than core::limits::stream_query_terms_max terms,
// or no positive term at all. Duplicates are dropped; the order of first appearance is kept.
core::Result<StreamQuery> parse_stream_query(std::string_view text);

// Checks (and normalizes: trims, collapses white space in phrases, strips a leading '#'
// or '@', normalizes language tags, drops duplicates) structured fields, with the same rules
// and errors as parse_stream_query; the details name the field, e.g. "hashtags[2]".
core::Result<StreamQuery> normalize_stream_query(StreamQuery query);

// The canonical search-box form: positive terms joined by " OR " in the order keywords,
// phrases, hashtags, mentions, then from:, exclusions and lang:. For any query that
// parse_stream_query or normalize_stream_query returned, parsing this gives it back.
std::string format_stream_query(const StreamQuery& query);

// Whether `text` is a DID ("did:<method>:<id>") or a handle ("alice.example.com"), as the
// query accepts them after '@' and "from:".
bool is_did(std::string_view text);
bool is_handle(std::string_view text);

}  // namespace roost::domain
