#pragma once

#include <string>
#include <string_view>

namespace roost::storage {

// The (profile_id, level) rows that the teams of one user grant: what a member who is not
// an admin of the organization sees, each with a level (a profile granted by several of
// their teams comes once per team). One definition for the profile listings, a member's
// level and the calendar. `user_param` is the placeholder bound to the user's id ("$2").
inline std::string granted_profiles_sql(std::string_view user_param) {
  return "SELECT g.profile_id, g.level FROM team_profile_grants g "
         "JOIN team_members tm ON tm.team_id = g.team_id WHERE tm.user_id = " +
         std::string(user_param);
}

}  // namespace roost::storage
