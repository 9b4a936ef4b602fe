#include "core/periodic_worker.hpp"

#include <utility>

namespace roost::core {

PeriodicWorker::PeriodicWorker(std::chrono::milliseconds interval, std::function<Next()> round,
                               FirstRound first)
    : interval_(interval), round_(std::move(round)), first_(first) {}

PeriodicWorker::~PeriodicWorker() { stop(); }

void PeriodicWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  woken_ = false;
  thread_ = std::thread([this] { run(); });
}

void PeriodicWorker::stop() {
  std::thread joining;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    joining = std::move(thread_);
  }
  wake_.notify_all();
  if (joining.joinable()) joining.join();
}

void PeriodicWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

bool PeriodicWorker::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

bool PeriodicWorker::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return stopping_; });
}

void PeriodicWorker::run() {
  std::unique_lock lock(mutex_);
  bool wait_first = first_ == FirstRound::after_interval;
  while (!stopping_) {
    if (wait_first) {
      wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
      if (stopping_) break;
    }
    woken_ = false;
    lock.unlock();
    // The round runs without the lock: stop() and wake() never wait for it.
    Next next = round_();
    lock.lock();
    wait_first = next == Next::wait;
  }
}

}  // namespace roost::core
