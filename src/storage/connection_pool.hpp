#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace roost::storage {

// A bounded pool of connections shared by both backends. Connections are opened lazily by
// `factory` up to `capacity`; a caller that finds every connection in use waits up to
// `acquire_timeout` and then gets ErrorCode::unavailable, so a stuck database turns into
// an error instead of an ever-growing queue of blocked threads.
template <class Connection>
class ConnectionPool {
 public:
  using Factory = std::function<core::Result<std::unique_ptr<Connection>>()>;

  // Hands a connection back to the pool when it goes out of scope. A lease whose
  // connection broke is discarded instead, and the pool opens a new one on demand.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          connection_(std::move(other.connection_)),
          broken_(other.broken_) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->release(std::move(connection_), broken_);
    }

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }
    void discard() { broken_ = true; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
    bool broken_ = false;
  };

  ConnectionPool(std::string name, int capacity, std::chrono::milliseconds acquire_timeout,
                 Factory factory)
      : name_(std::move(name)),
        capacity_(capacity),
        acquire_timeout_(acquire_timeout),
        factory_(std::move(factory)) {}

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  core::Result<Lease> acquire() {
    std::unique_lock lock(mutex_);
    if (!wait_for_capacity(lock)) {
      ++stats_.acquisition_timeouts_total;
      return core::make_error(core::ErrorCode::unavailable,
                              "no " + name_ + " connection became free within " +
                                  std::to_string(acquire_timeout_.count()) + " ms");
    }
    ++stats_.acquisitions_total;
    ++stats_.connections_in_use;
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    // Reserve the slot, then connect without holding the lock: connecting can take seconds.
    ++stats_.connections_total;
    lock.unlock();
    auto opened = factory_();
    if (opened.ok()) return Lease(this, std::move(opened).value());
    lock.lock();
    --stats_.connections_total;
    --stats_.connections_in_use;
    --stats_.acquisitions_total;
    available_.notify_one();
    return std::move(opened).error();
  }

  PoolStats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  bool has_capacity() const { return !idle_.empty() || stats_.connections_total < capacity_; }

  bool wait_for_capacity(std::unique_lock<std::mutex>& lock) {
    if (has_capacity()) return true;
    ++stats_.acquisition_waits_total;
    return available_.wait_for(lock, acquire_timeout_, [this] { return has_capacity(); });
  }

  void release(std::unique_ptr<Connection> connection, bool broken) {
    std::lock_guard lock(mutex_);
    --stats_.connections_in_use;
    if (broken || connection == nullptr) {
      --stats_.connections_total;
    } else {
      idle_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  const std::string name_;
  const int capacity_;
  const std::chrono::milliseconds acquire_timeout_;
  const Factory factory_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  PoolStats stats_;
};

// The sum of several pools' statistics (SQLite has a writer pool and a reader pool).
inline PoolStats combined_stats(const PoolStats& first, const PoolStats& second) {
  PoolStats sum;
  sum.connections_total = first.connections_total + second.connections_total;
  sum.connections_in_use = first.connections_in_use + second.connections_in_use;
  sum.acquisitions_total = first.acquisitions_total + second.acquisitions_total;
  sum.acquisition_waits_total = first.acquisition_waits_total + second.acquisition_waits_total;
  sum.acquisition_timeouts_total =
      first.acquisition_timeouts_total + second.acquisition_timeouts_total;
  return sum;
}

}  // namespace roost::storage
