#pragma once

#include <memory>
#include <string>

#include "storage/ingest_leader_lock.hpp"

namespace roost::storage::postgres {

// pg_try_advisory_lock(ingest_leader_lock_key) on a connection of its own, outside the
// pool: the lock lives exactly as long as that connection.
std::unique_ptr<IngestLeaderLock> open_postgres_ingest_leader_lock(const std::string& conninfo);

// `conninfo` (a postgresql:// URL or key=value pairs) with TCP keepalives and a TCP user
// timeout added, and a connect timeout: the lock's connection is idle between checks, and
// without them a peer that vanished (a cut network, a dead host: no FIN, no RST) leaves a
// still_held() query waiting on the kernel's retransmissions for many minutes while another
// process could lead. A parameter the operator already set is left as given.
std::string leader_lock_conninfo(const std::string& conninfo);

}  // namespace roost::storage::postgres
