#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

// What a password and a display name must be. Lengths count Unicode code points, not
// bytes: "éééééééé" is an 8-character password.
namespace roost::domain {

inline constexpr std::size_t password_length_min = 8;
inline constexpr std::size_t password_length_max = 256;
inline constexpr std::size_t display_name_length_max = 100;

core::Result<void> check_password(std::string_view password);
// The display name as stored (trimmed), or an error naming what is wrong.
core::Result<std::string> normalize_display_name(std::string_view display_name);

}  // namespace roost::domain
