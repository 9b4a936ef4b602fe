#include "scheduler/mail_worker.hpp"

#include <algorithm>

#include "core/backoff.hpp"
#include "core/log.hpp"
#include "core/utf8.hpp"

namespace roost::scheduler {
namespace {

// Cut between characters: the error is stored as text and shown through the JSON API, and
// a JSON writer throws on half a character.
std::string bounded(std::string_view text) {
  return std::string(core::utf8_prefix(text, core::limits::mail_last_error_bytes_max));
}

}  // namespace

std::chrono::milliseconds mail_retry_delay(int failed_attempts, const MailWorkerOptions& options) {
  return core::backoff_delay(failed_attempts, options.retry_base_delay, options.retry_max_delay, 0,
                             0.0);
}

MailWorker::~MailWorker() { stop(); }

core::Result<std::size_t> MailWorker::run_once() {
  auto claimed =
      outbox_.claim_due(clock_.now_ms(), options_.claim_lease.count(), options_.batch_max);
  if (!claimed) return std::move(claimed).error();
  for (const auto& mail : *claimed) {
    // On shutdown the rest of the batch is left claimed: it is sent when the lease ends, by
    // the next start or another process, rather than hold up the exit by a timeout per mail.
    if (worker_.stop_requested()) break;
    deliver(mail);
  }
  refresh_outbox_counts();
  return claimed->size();
}

void MailWorker::refresh_outbox_counts() {
  auto counted = outbox_.counts();
  if (!counted) return;  // the gauges keep their last value; the next pass tries again
  outbox_pending_.store(counted->pending);
  outbox_failed_.store(counted->failed);
}

void MailWorker::deliver(const storage::ClaimedMail& claimed) {
  auto sent = transport_.send(claimed.mail);
  int attempt = static_cast<int>(claimed.attempts) + 1;
  if (sent) {
    sent_total_.fetch_add(1);
    if (auto marked = outbox_.mark_sent(claimed.id, clock_.now_ms()); !marked) {
      // Sent but not recorded: the lease ends and it may go out twice; say so.
      core::log::error("mail.mark_sent_failed", {{"mail_id", static_cast<long long>(claimed.id)},
                                                 {"error", marked.error().message}});
    } else {
      core::log::info("mail.sent",
                      {{"mail_id", static_cast<long long>(claimed.id)}, {"attempt", attempt}});
    }
    return;
  }
  attempts_failed_total_.fetch_add(1);
  const auto& error = sent.error();
  bool permanent = error.code == core::ErrorCode::invalid_request;
  core::Result<void> recorded = core::success();
  if (permanent || attempt >= options_.attempts_max) {
    given_up_total_.fetch_add(1);
    core::log::warn("mail.failed", {{"mail_id", static_cast<long long>(claimed.id)},
                                    {"attempt", attempt},
                                    {"permanent", permanent},
                                    {"error", error.message}});
    recorded = outbox_.mark_failed(claimed.id, bounded(error.message));
  } else {
    auto delay = mail_retry_delay(attempt, options_);
    core::log::info("mail.retry_scheduled", {{"mail_id", static_cast<long long>(claimed.id)},
                                             {"attempt", attempt},
                                             {"retry_in_ms", static_cast<long long>(delay.count())},
                                             {"error", error.message}});
    recorded = outbox_.record_failed_attempt(claimed.id, bounded(error.message),
                                             clock_.now_ms() + delay.count());
  }
  if (!recorded) {
    core::log::error("mail.record_failed", {{"mail_id", static_cast<long long>(claimed.id)},
                                            {"error", recorded.error().message}});
  }
}

void MailWorker::start() {
  core::log::info("mail.worker_started",
                  {{"poll_interval_ms", static_cast<long long>(options_.poll_interval.count())}});
  worker_.start();
}

void MailWorker::stop() {
  if (worker_.stop_requested()) return;
  worker_.stop();
  core::log::info("mail.worker_stopped");
}

core::PeriodicWorker::Next MailWorker::pass() {
  auto tried = run_once();
  if (!tried) {
    core::log::warn("mail.claim_failed", {{"error", tried.error().message}});
    return core::PeriodicWorker::Next::wait;
  }
  // A full batch means more may be due: go on at once (unless asked to stop).
  return *tried < options_.batch_max ? core::PeriodicWorker::Next::wait
                                     : core::PeriodicWorker::Next::again;
}

MailDeliveryCounts MailWorker::counts() const {
  return {sent_total_.load(), attempts_failed_total_.load(), given_up_total_.load(),
          outbox_pending_.load(), outbox_failed_.load()};
}

}  // namespace roost::scheduler
