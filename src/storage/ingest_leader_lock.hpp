#pragma once

#include <cstdint>
#include <memory>

#include "core/result.hpp"
#include "storage/database.hpp"

// Which of the roost processes sharing one database runs the ingest consumer (ADR 0027):
// the one that holds this lock. On PostgreSQL it is the session advisory lock
// `ingest_leader_lock_key`, taken on a connection of its own (outside the pool): it is held
// for as long as that connection lives, and PostgreSQL frees it the moment the connection
// ends (the process died, the server killed the backend, the network cut it). SQLite has
// one process by design (ADR 0002): its lock is always held.
namespace roost::storage {

// pg_try_advisory_lock(bigint)'s key: "roost" in ASCII (0x72 6f 6f 73 74). pg_locks shows
// it as classid 114, objid 1869575028, objsubid 1. Advisory locks are per database, so two
// roost installations on one server (two databases) each have their own leader.
inline constexpr std::int64_t ingest_leader_lock_key = 0x726f6f7374;

class IngestLeaderLock {
 public:
  virtual ~IngestLeaderLock() = default;
  // Tries to take the lock without waiting: true when this object holds it (already, or
  // now), false when another holds it. A database that does not answer is
  // ErrorCode::unavailable (and the lock is not held); the next call connects again.
  virtual core::Result<bool> try_acquire() = 0;
  // Whether the lock is still this object's, checked with one cheap query on its
  // connection: false once the connection died or the lock is gone (it is then not held,
  // and try_acquire may take it again). False when it was never acquired.
  virtual bool still_held() = 0;
  // Gives the lock up (another may take it at once). Idempotent; the destructor releases.
  virtual void release() = 0;
};

// The lock of `url`'s database. Connects lazily: opening never fails.
std::unique_ptr<IngestLeaderLock> open_ingest_leader_lock(const DatabaseUrl& url);

}  // namespace roost::storage
