#include "api/http/etag.hpp"

namespace roost::api::http {
namespace {

std::string_view opaque_tag(std::string_view tag) {
  while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
  while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}

}  // namespace

bool if_none_match_matches(std::optional<std::string_view> if_none_match, std::string_view etag) {
  if (!if_none_match) return false;
  std::string_view wanted = opaque_tag(etag);
  std::string_view rest = *if_none_match;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto candidate = opaque_tag(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (candidate == "*" || candidate == wanted) return true;
  }
  return false;
}

}  // namespace roost::api::http
