#pragma once

#include <cstddef>
#include <string_view>

// The shipped list of the most common passwords (data/common-passwords.txt, compiled in).
namespace roost::domain {

// Whether `password`, compared case-insensitively (ASCII), is on the list.
bool is_common_password(std::string_view password);
// How many passwords the list holds (tests check that it is the list, not an empty one).
std::size_t common_password_count();

// The embedded file: one lower-case password per line. Generated at build time.
std::string_view common_passwords_text();

}  // namespace roost::domain
