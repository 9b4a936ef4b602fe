#include "domain/reply_template.hpp"

#include <algorithm>
#include <optional>

#include "core/limits.hpp"
#include "domain/graphemes.hpp"

namespace roost::domain {
namespace {

bool placeholder_character(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

// The placeholder name that starts at body[open] ('{'), when one does: the length of
// "{name}" and the name.
std::optional<std::string_view> placeholder_at(std::string_view body, std::size_t open) {
  std::size_t end = open + 1;
  while (end < body.size() && placeholder_character(body[end])) ++end;
  if (end == open + 1 || end >= body.size() || body[end] != '}') return std::nullopt;
  return body.substr(open + 1, end - open - 1);
}

bool known(std::string_view name) {
  return std::find(template_placeholders.begin(), template_placeholders.end(), name) !=
         template_placeholders.end();
}

std::string_view value_of(std::string_view name, const TemplateValues& values) {
  if (name == "author_handle") return values.author_handle;
  if (name == "profile_handle") return values.profile_handle;
  if (name == "profile_display_name") return values.profile_display_name;
  return values.member_name;
}

}  // namespace

core::Result<void> check_template_body(std::string_view body, const std::string& field) {
  core::Error problems = core::make_error(core::ErrorCode::invalid_request, "invalid " + field);
  auto add = [&](std::string message) {
    problems.details.push_back({field, std::move(message), 0, 0});
  };
  if (body.size() > core::limits::template_body_bytes_max) {
    add("must be at most " + std::to_string(core::limits::template_body_bytes_max) + " bytes");
    return problems;
  }
  auto graphemes = count_graphemes(body);
  if (!graphemes) {
    add("must be UTF-8");
    return problems;
  }
  if (*graphemes == 0) add("must not be empty");
  if (*graphemes > core::limits::template_body_graphemes_max) {
    add("must be at most " + std::to_string(core::limits::template_body_graphemes_max) +
        " characters (it has " + std::to_string(*graphemes) + ")");
  }
  for (std::size_t index = 0; index < body.size(); ++index) {
    if (body[index] != '{') continue;
    auto name = placeholder_at(body, index);
    if (!name || known(*name)) continue;
    std::string known_list;
    for (auto placeholder : template_placeholders) {
      if (!known_list.empty()) known_list += ", ";
      // append(), not "{" + std::string(...): g++ 12 at -O3 reports a false -Wrestrict on
      // operator+(const char*, std::string&&), which -Werror turns into a broken Release.
      known_list.append("{").append(placeholder).append("}");
    }
    add("unknown placeholder {" + std::string(*name) + "} (known: " + known_list + ")");
  }
  if (!problems.details.empty()) return problems;
  return core::success();
}

std::string render_template(std::string_view body, const TemplateValues& values) {
  std::string rendered;
  rendered.reserve(body.size());
  for (std::size_t index = 0; index < body.size(); ++index) {
    if (body[index] == '{') {
      auto name = placeholder_at(body, index);
      if (name && known(*name)) {
        rendered += value_of(*name, values);
        index += name->size() + 1;
        continue;
      }
    }
    rendered += body[index];
  }
  return rendered;
}

}  // namespace roost::domain
