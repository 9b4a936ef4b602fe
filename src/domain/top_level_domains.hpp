#pragma once

#include <cstddef>
#include <string_view>

// The top-level domains of the DNS root (data/top-level-domains.txt, compiled in): a bare
// "example.com" in a post is a link only when its last label is one of them, so that
// "e.g." or "file.txt" in a sentence does not become a link.
namespace roost::domain {

// Whether `label` (one label, no dot; compared case-insensitively for ASCII) is a TLD.
bool is_top_level_domain(std::string_view label);
// Whether the last label of `domain` is a TLD and something comes before its dot.
bool has_known_top_level_domain(std::string_view domain);
// How many TLDs the list holds (tests check that it is the list, not an empty one).
std::size_t top_level_domain_count();

// The embedded file: one lower-case TLD per line. Generated at build time.
std::string_view top_level_domains_text();

}  // namespace roost::domain
