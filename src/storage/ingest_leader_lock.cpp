#include "storage/ingest_leader_lock.hpp"

#include "storage/postgres/postgres_ingest_leader_lock.hpp"

namespace roost::storage {
namespace {

// One process per SQLite database (ADR 0002): it is the leader.
class SqliteIngestLeaderLock final : public IngestLeaderLock {
 public:
  core::Result<bool> try_acquire() override {
    held_ = true;
    return true;
  }
  bool still_held() override { return held_; }
  void release() override { held_ = false; }

 private:
  bool held_ = false;
};

}  // namespace

std::unique_ptr<IngestLeaderLock> open_ingest_leader_lock(const DatabaseUrl& url) {
  if (url.backend == Backend::postgres) {
    return postgres::open_postgres_ingest_leader_lock(url.postgres_conninfo);
  }
  return std::make_unique<SqliteIngestLeaderLock>();
}

}  // namespace roost::storage
