#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.hpp"
#include "core/limits.hpp"
#include "core/periodic_worker.hpp"
#include "core/result.hpp"
#include "networks/smtp/mail_transport.hpp"
#include "storage/mail_outbox_repository.hpp"

namespace roost::scheduler {

struct MailWorkerOptions {
  int attempts_max = core::limits::mail_attempts_max;
  std::chrono::milliseconds retry_base_delay = core::limits::mail_retry_base_delay;
  std::chrono::milliseconds retry_max_delay = core::limits::mail_retry_max_delay;
  std::chrono::milliseconds poll_interval = core::limits::mail_poll_interval;
  std::chrono::milliseconds claim_lease = core::limits::mail_claim_lease;
  std::size_t batch_max = core::limits::mail_claim_batch_max;
};

// How long to wait after the `failed_attempts`-th failed attempt (1 for the first):
// the base delay, doubled per further failure, never more than the maximum.
std::chrono::milliseconds mail_retry_delay(int failed_attempts, const MailWorkerOptions& options);

struct MailDeliveryCounts {
  std::uint64_t sent_total = 0;
  std::uint64_t attempts_failed_total = 0;  // every failed attempt, retried or not
  std::uint64_t given_up_total = 0;         // mails kept as failed
  // The outbox as of the last pass (gauges for /metrics, read without touching the database).
  std::int64_t outbox_pending = 0;
  std::int64_t outbox_failed = 0;
};

// Delivers the mail outbox: claims what is due, sends each mail through the transport, and
// marks it sent, or due again after a backoff, or failed for good (after the last attempt,
// or at once when the server refuses it permanently). A failed mail never fails the change
// that queued it: that committed long ago. Runs on its own thread, never on an I/O thread;
// several workers (processes) may share one database (the claim is a lease).
class MailWorker {
 public:
  MailWorker(storage::MailOutboxRepository& outbox, networks::smtp::MailTransport& transport,
             const core::Clock& clock, MailWorkerOptions options = {})
      : outbox_(outbox),
        transport_(transport),
        clock_(clock),
        options_(options),
        worker_(options.poll_interval, [this] { return pass(); }) {}
  ~MailWorker();
  MailWorker(const MailWorker&) = delete;
  MailWorker& operator=(const MailWorker&) = delete;

  // One pass over what is due now; returns how many mails it tried. Tests call it directly.
  core::Result<std::size_t> run_once();
  // Starts the thread: a pass, then another every poll interval, until stop().
  void start();
  // Wakes the thread and joins it; the mail being sent, if any, finishes first (bounded by
  // the transport's timeouts), the rest of its batch waits for the lease to end. Idempotent.
  void stop();
  MailDeliveryCounts counts() const;

 private:
  // The worker's round: passes while they come back full (more may be due).
  core::PeriodicWorker::Next pass();
  void deliver(const storage::ClaimedMail& claimed);
  void refresh_outbox_counts();

  storage::MailOutboxRepository& outbox_;
  networks::smtp::MailTransport& transport_;
  const core::Clock& clock_;
  MailWorkerOptions options_;
  std::atomic<std::uint64_t> sent_total_{0};
  std::atomic<std::uint64_t> attempts_failed_total_{0};
  std::atomic<std::uint64_t> given_up_total_{0};
  std::atomic<std::int64_t> outbox_pending_{0};
  std::atomic<std::int64_t> outbox_failed_{0};
  core::PeriodicWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace roost::scheduler
