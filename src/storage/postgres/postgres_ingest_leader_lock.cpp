#include "storage/postgres/postgres_ingest_leader_lock.hpp"

#include <chrono>
#include <mutex>
#include <utility>

#include <pqxx/pqxx>

#include "core/limits.hpp"
#include "storage/postgres/postgres_conninfo.hpp"
#include "storage/postgres/postgres_errors.hpp"

namespace roost::storage::postgres {
namespace {

// The lock as pg_locks lists it for this session: a bigint key is split into classid (its
// high 32 bits) and objid (its low 32 bits), objsubid 1.
constexpr const char* held_query =
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND pid = pg_backend_pid() AND objsubid = 1 "
    "AND ((classid::bigint << 32) | objid::bigint) = $1)";

class PostgresIngestLeaderLock final : public IngestLeaderLock {
 public:
  explicit PostgresIngestLeaderLock(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  ~PostgresIngestLeaderLock() override { release(); }

  core::Result<bool> try_acquire() override {
    std::lock_guard lock(mutex_);
    if (held_) return true;
    try {
      if (!connection_ || !connection_->is_open()) {
        connection_ = std::make_unique<pqxx::connection>(conninfo_);
      }
      pqxx::nontransaction transaction(*connection_);
      held_ = transaction.exec_params1("SELECT pg_try_advisory_lock($1)", ingest_leader_lock_key)[0]
                  .as<bool>();
      return held_;
    } catch (const std::exception&) {
      connection_.reset();
      held_ = false;
      auto failure = current_exception_failure();
      failure.error.code = core::ErrorCode::unavailable;
      failure.error.message = "cannot take the ingest leader lock: " + failure.error.message;
      return failure.error;
    }
  }

  bool still_held() override {
    std::lock_guard lock(mutex_);
    if (!held_) return false;
    try {
      pqxx::nontransaction transaction(*connection_);
      held_ = transaction.exec_params1(held_query, ingest_leader_lock_key)[0].as<bool>();
    } catch (const std::exception&) {
      // The connection is gone, and the lock with it: PostgreSQL frees a session's advisory
      // locks when the session ends.
      connection_.reset();
      held_ = false;
    }
    return held_;
  }

  void release() override {
    std::lock_guard lock(mutex_);
    if (!held_) return;
    held_ = false;
    try {
      pqxx::nontransaction transaction(*connection_);
      transaction.exec_params("SELECT pg_advisory_unlock($1)", ingest_leader_lock_key);
    } catch (const std::exception&) {
      // Closing the connection below frees the lock all the same.
    }
    connection_.reset();
  }

 private:
  std::string conninfo_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
  bool held_ = false;
};

}  // namespace

std::string leader_lock_conninfo(const std::string& conninfo) {
  return conninfo_with_defaults(
      conninfo, held_connection_parameters(std::chrono::duration_cast<std::chrono::seconds>(
                                               core::limits::leader_lock_connect_timeout)
                                               .count()));
}

std::unique_ptr<IngestLeaderLock> open_postgres_ingest_leader_lock(const std::string& conninfo) {
  return std::make_unique<PostgresIngestLeaderLock>(leader_lock_conninfo(conninfo));
}

}  // namespace roost::storage::postgres
