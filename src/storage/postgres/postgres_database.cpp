#include "storage/postgres/postgres_database.hpp"

#include <pqxx/pqxx>

#include <thread>

#include "core/backoff.hpp"
#include "core/limits.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "storage/connection_pool.hpp"
#include "storage/postgres/postgres_errors.hpp"
#include "storage/postgres/postgres_transaction.hpp"

namespace roost::storage::postgres {

namespace {

using Pool = ConnectionPool<pqxx::connection>;

core::Result<std::unique_ptr<pqxx::connection>> connect(const std::string& conninfo) {
  try {
    auto connection = std::make_unique<pqxx::connection>(conninfo);
    // Notices such as "relation already exists, skipping" would go to stderr unformatted.
    connection->set_variable("client_min_messages", "warning");
    return connection;
  } catch (const std::exception&) {
    auto failure = current_exception_failure();
    failure.error.code = core::ErrorCode::unavailable;
    return failure.error;
  }
}

std::unique_ptr<pqxx::transaction_base> begin(pqxx::connection& connection, TransactionMode mode) {
  if (mode == TransactionMode::read_only) {
    return std::make_unique<pqxx::read_transaction>(connection);
  }
  return std::make_unique<pqxx::work>(connection);
}

// A connection that broke (or whose transaction state is unknown) goes back to the pool
// as discarded, and the pool opens a fresh one on demand.
class DiscardIfLost {
 public:
  explicit DiscardIfLost(Pool::Lease& lease) : lease_(lease) {}
  ~DiscardIfLost() {
    if (lost_ || !lease_->is_open()) lease_.discard();
  }
  DiscardIfLost(const DiscardIfLost&) = delete;
  DiscardIfLost& operator=(const DiscardIfLost&) = delete;
  void mark_lost() { lost_ = true; }

 private:
  Pool::Lease& lease_;
  bool lost_ = false;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(const std::string& conninfo, int connections)
      : pool_("PostgreSQL", connections, core::limits::pool_acquire_timeout,
              [conninfo] { return connect(conninfo); }) {}

  Backend backend() const override { return Backend::postgres; }

  core::Result<void> transact(TransactionMode mode, const TransactionWork& work) override {
    bool rerunnable = false;
    return attempt(mode, work, rerunnable);
  }

  // The one place a transaction runs again (ADR 0030): only after the server rolled it back
  // for a deadlock or a serialization failure, and only for work that says it may run again.
  core::Result<void> transact_rerunnable(TransactionMode mode,
                                         const TransactionWork& work) override {
    for (int run = 1;; ++run) {
      bool rerunnable = false;
      auto outcome = attempt(mode, work, rerunnable);
      if (outcome.ok() || !rerunnable || run >= core::limits::database_rerun_attempts_max) {
        return outcome;
      }
      auto pause = core::backoff_delay(run, core::limits::database_rerun_base_delay,
                                       core::limits::database_rerun_base_delay * 8,
                                       core::limits::database_rerun_jitter_percent, jitter());
      core::log::info("database.transaction_rerun",
                      {{"run", run},
                       {"pause_ms", static_cast<long long>(pause.count())},
                       {"error", outcome.error().message}});
      std::this_thread::sleep_for(pause);
    }
  }

 private:
  // In [-1, 1]: two processes that deadlocked pause for different times.
  static double jitter() {
    auto bytes = core::random_bytes(2);
    const auto value = static_cast<unsigned>(bytes[0]) << 8U | static_cast<unsigned>(bytes[1]);
    constexpr double span = 65535.0;
    return static_cast<double>(value) / span * 2.0 - 1.0;
  }

  core::Result<void> attempt(TransactionMode mode, const TransactionWork& work, bool& rerunnable) {
    auto lease = pool_.acquire();
    if (!lease.ok()) return std::move(lease).error();
    DiscardIfLost guard(*lease);
    std::unique_ptr<pqxx::transaction_base> native;
    try {
      native = begin(**lease, mode);
    } catch (const std::exception&) {
      return fail(guard);
    }
    PostgresTransaction transaction(*native);
    const TransactionControl control{[&]() -> core::Result<void> { return commit(*native, guard); },
                                     [&] { abort(*native, guard); }};
    auto outcome = run_transaction(transaction, work, control);
    if (transaction.connection_lost()) guard.mark_lost();
    rerunnable = !outcome.ok() && transaction.rerunnable() && !transaction.connection_lost();
    return outcome;
  }

 public:
  core::Result<void> ping() override {
    auto lease = pool_.acquire();
    if (!lease.ok()) return std::move(lease).error();
    DiscardIfLost guard(*lease);
    try {
      pqxx::nontransaction query(**lease);
      query.exec("SELECT 1");
      return core::success();
    } catch (const std::exception&) {
      return fail(guard);
    }
  }

  PoolStats pool_stats() const override { return pool_.stats(); }

 private:
  static core::Error fail(DiscardIfLost& guard) {
    auto failure = current_exception_failure();
    if (failure.connection_lost) guard.mark_lost();
    return failure.error;
  }

  static core::Result<void> commit(pqxx::transaction_base& native, DiscardIfLost& guard) {
    try {
      native.commit();
      return core::success();
    } catch (const std::exception&) {
      return fail(guard);
    }
  }

  static void abort(pqxx::transaction_base& native, DiscardIfLost& guard) {
    try {
      native.abort();
    } catch (const std::exception&) {
      guard.mark_lost();
    }
  }

  Pool pool_;
};

}  // namespace

core::Result<std::unique_ptr<Database>> open_postgres_database(const std::string& conninfo,
                                                               int connections) {
  if (connections < 1) {
    return core::make_error(core::ErrorCode::configuration_error,
                            "PostgreSQL needs at least one connection");
  }
  auto database = std::make_unique<PostgresDatabase>(conninfo, connections);
  auto answered = database->ping();
  if (!answered.ok()) return std::move(answered).error();
  return std::unique_ptr<Database>(std::move(database));
}

}  // namespace roost::storage::postgres
