#pragma once

#include <string>
#include <string_view>

namespace roost::storage::postgres {

// Claims due publish jobs on PostgreSQL: FOR UPDATE SKIP LOCKED lets several processes
// claim at once, each taking rows no other holds, without waiting for one another; a row
// another claim changed in the meantime is re-checked against the conditions once locked.
// Parameters: $1 now_ms, $2 owner, $3 lease end, $4 how many. `due` is the shared WHERE
// clause of a claimable job; `returning` the columns to return, qualified "publish_jobs.".
inline std::string claim_publish_jobs_sql(std::string_view due, std::string_view returning) {
  return "WITH due AS (SELECT id FROM publish_jobs WHERE " + std::string(due) +
         " ORDER BY next_attempt_at_ms, id LIMIT $4 FOR UPDATE SKIP LOCKED) "
         "UPDATE publish_jobs SET state = 'claimed', lease_owner = $2, lease_expires_at_ms = $3, "
         "claim_count = claim_count + 1, updated_at_ms = $1 FROM due "
         "WHERE publish_jobs.id = due.id RETURNING " +
         std::string(returning);
}

}  // namespace roost::storage::postgres
