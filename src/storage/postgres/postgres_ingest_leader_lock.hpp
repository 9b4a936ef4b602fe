#pragma once

#include <memory>
#include <string>

#include "storage/ingest_leader_lock.hpp"

namespace roost::storage::postgres {

// pg_try_advisory_lock(ingest_leader_lock_key) on a connection of its own, outside the
// pool: the lock lives exactly as long as that connection.
std::unique_ptr<IngestLeaderLock> open_postgres_ingest_leader_lock(const std::string& conninfo);

}  // namespace roost::storage::postgres
