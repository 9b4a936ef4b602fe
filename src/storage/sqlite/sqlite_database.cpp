#include "storage/sqlite/sqlite_database.hpp"

#include <filesystem>
#include <system_error>

#include "core/limits.hpp"
#include "storage/connection_pool.hpp"
#include "storage/sqlite/sqlite_connection.hpp"
#include "storage/sqlite/sqlite_transaction.hpp"

namespace roost::storage::sqlite {

namespace {

using Pool = ConnectionPool<SqliteConnection>;

// SQLite allows one writer at a time per file. Funnelling every read_write transaction
// through one connection makes them queue in our pool (bounded, observable) instead of
// failing with SQLITE_BUSY; BEGIN IMMEDIATE still guards against other processes.
constexpr int writer_connections = 1;

// A rolled-back or committed transaction leaves the connection in autocommit mode. If it
// does not (ROLLBACK itself failed), the connection's state is unknown: drop it.
class DiscardIfStillInTransaction {
 public:
  explicit DiscardIfStillInTransaction(Pool::Lease& lease) : lease_(lease) {}
  ~DiscardIfStillInTransaction() {
    if (lease_->in_transaction()) lease_.discard();
  }
  DiscardIfStillInTransaction(const DiscardIfStillInTransaction&) = delete;
  DiscardIfStillInTransaction& operator=(const DiscardIfStillInTransaction&) = delete;

 private:
  Pool::Lease& lease_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const std::string& path, int reader_connections)
      : writer_("SQLite writer", writer_connections, core::limits::pool_acquire_timeout,
                [path] { return SqliteConnection::open(path, ConnectionMode::read_write); }),
        readers_("SQLite reader", reader_connections, core::limits::pool_acquire_timeout,
                 [path] { return SqliteConnection::open(path, ConnectionMode::read_only); }) {}

  Backend backend() const override { return Backend::sqlite; }

  core::Result<void> transact(TransactionMode mode, const TransactionWork& work) override {
    const bool writes = mode == TransactionMode::read_write;
    auto lease = (writes ? writer_ : readers_).acquire();
    if (!lease.ok()) return std::move(lease).error();
    DiscardIfStillInTransaction guard(*lease);
    SqliteConnection& connection = **lease;
    auto begun = connection.query(writes ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", {});
    if (!begun.ok()) return std::move(begun).error();
    SqliteTransaction transaction(connection);
    const TransactionControl control{[&connection]() -> core::Result<void> {
                                       auto committed = connection.query("COMMIT", {});
                                       if (!committed.ok()) return std::move(committed).error();
                                       return core::success();
                                     },
                                     [&connection] { (void)connection.query("ROLLBACK", {}); }};
    return run_transaction(transaction, work, control);
  }

  core::Result<void> ping() override { return ping_pool(readers_); }

  // Opening the writer first creates the file and switches it to WAL, which the
  // read-only connections need.
  core::Result<void> ping_writer_then_readers() {
    auto writer = ping_pool(writer_);
    if (!writer.ok()) return writer;
    return ping_pool(readers_);
  }

  PoolStats pool_stats() const override {
    return combined_stats(writer_.stats(), readers_.stats());
  }

 private:
  static core::Result<void> ping_pool(Pool& pool) {
    auto lease = pool.acquire();
    if (!lease.ok()) return std::move(lease).error();
    auto answer = (*lease)->query("SELECT 1", {});
    if (!answer.ok()) return std::move(answer).error();
    return core::success();
  }

  Pool writer_;
  Pool readers_;
};

core::Result<void> create_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return core::success();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (!error) return core::success();
  return core::make_error(
      core::ErrorCode::unavailable,
      "cannot create the directory " + parent.string() + ": " + error.message());
}

}  // namespace

core::Result<std::unique_ptr<Database>> open_sqlite_database(const std::string& path,
                                                             int reader_connections) {
  if (reader_connections < 1) {
    return core::make_error(core::ErrorCode::configuration_error,
                            "SQLite needs at least one reader connection");
  }
  auto directory = create_parent_directory(path);
  if (!directory.ok()) return std::move(directory).error();
  auto database = std::make_unique<SqliteDatabase>(path, reader_connections);
  auto answered = database->ping_writer_then_readers();
  if (!answered.ok()) return std::move(answered).error();
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace roost::storage::sqlite
