#pragma once

#include <string>
#include <string_view>

namespace roost::storage {

// The seats an organization uses: its members, plus its pending invitations that have not
// expired — an invitation holds its seat until it is answered or expires (ADR 0010). One
// definition for the plan's check (invitations) and for what the API shows (usage): a
// scalar subquery over `o`, an organizations row, with `now_param` the placeholder bound
// to the current time in milliseconds (e.g. "$2").
inline std::string seats_used_sql(std::string_view now_param) {
  return "((SELECT COUNT(*) FROM memberships s WHERE s.org_id = o.id) + "
         "(SELECT COUNT(*) FROM invitations i WHERE i.org_id = o.id AND i.status = 'pending' "
         "AND i.expires_at_ms > " +
         std::string(now_param) + "))";
}

}  // namespace roost::storage
