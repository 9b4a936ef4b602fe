#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

// A thread that runs one round of work, then waits an interval (or a wake()) and runs the
// next, until stop(): the loop behind every background worker that polls the database —
// the mail worker, the notification pump, the ingest leader's retries. One implementation
// of the start/stop/wait handshake, so each worker is only its round.
namespace roost::core {

class PeriodicWorker {
 public:
  enum class FirstRound { at_once, after_interval };
  // What a round asks for next: wait the interval (or a wake()), or go again at once (it
  // left work undone, e.g. a full batch).
  enum class Next { wait, again };

  // `round` runs on the worker's thread only, never two at a time.
  PeriodicWorker(std::chrono::milliseconds interval, std::function<Next()> round,
                 FirstRound first = FirstRound::at_once);
  // Stops (and joins) if still running.
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // Starts the thread; no effect when it runs. Once stopped, start() runs it again.
  void start();
  // Asks the thread to end and joins it: a round under way finishes first (a round that
  // may take long polls stop_requested()). Idempotent; callable from any thread but the
  // worker's own.
  void stop();
  // Ends the current wait at once: the next round starts now (or right after the running
  // one, if a round is under way).
  void wake();
  // True once stop() was called: a long round checks it to end early.
  bool stop_requested() const;
  // For a round that paces itself: waits `duration`, or less when stop() is called; false
  // then (the round should end).
  bool pause(std::chrono::milliseconds duration);

 private:
  void run();

  const std::chrono::milliseconds interval_;
  const std::function<Next()> round_;
  const FirstRound first_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  bool woken_ = false;     // under mutex_: a wake() the running round has not yet seen
  std::thread thread_;
};

}  // namespace roost::core
