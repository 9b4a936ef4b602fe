#pragma once

#include <optional>
#include <string_view>

// A member's access level on one shared social profile (PRODUCT.md §2). It is granted by
// assigning the profile to a team with a level; a member's level is the highest over their
// teams, and organization owners and admins have `manager` on every profile.
namespace roost::domain {

// Weakest first: each level may do everything the ones before it may.
enum class ProfileLevel { viewer, limited, publisher, manager };

std::string_view profile_level_name(ProfileLevel level);
std::optional<ProfileLevel> parse_profile_level(std::string_view name);
// The stronger of two levels, an empty one counting as none.
std::optional<ProfileLevel> stronger(std::optional<ProfileLevel> a, std::optional<ProfileLevel> b);

}  // namespace roost::domain
