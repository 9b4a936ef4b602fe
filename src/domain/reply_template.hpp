#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Saved replies of a team (PRODUCT.md §5): a body with placeholders, rendered for one inbox
// item before the reply is validated as a post. A placeholder is `{name}` with name made of
// a-z and '_'; any other brace is text.
namespace roost::domain {

// The placeholders a template may use.
inline constexpr std::array<std::string_view, 4> template_placeholders{
    "author_handle",         // the item's author: their handle, or their DID when unknown
    "profile_handle",        // the profile the reply is published as
    "profile_display_name",  // its display name (its handle when it has none)
    "member_name",           // the member who sends the reply (their display name)
};

struct TemplateValues {
  std::string author_handle;
  std::string profile_handle;
  std::string profile_display_name;
  std::string member_name;
};

// A body as saved: 1..template_body_graphemes_max graphemes (and at most
// template_body_bytes_max bytes), valid UTF-8, and only known placeholders. invalid_request
// with details on `field`; an unknown placeholder is named ("unknown placeholder {x}").
core::Result<void> check_template_body(std::string_view body, const std::string& field = "body");
// The body with every known placeholder replaced (handles without '@': the template says
// where one goes). Unknown placeholders are left as written (check_template_body refuses them).
std::string render_template(std::string_view body, const TemplateValues& values);

}  // namespace roost::domain
