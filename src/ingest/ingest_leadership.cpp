#include "ingest/ingest_leadership.hpp"

#include "core/log.hpp"
#include "ingest/source.hpp"

namespace roost::ingest {
namespace {
constexpr const char* stopping_reason = "stopping";

void add_counts(ConsumerCounts& total, const ConsumerCounts& more) {
  total.frames += more.frames;
  total.posts += more.posts;
  total.decode_errors += more.decode_errors;
  total.reconnects += more.reconnects;
  total.sink_errors += more.sink_errors;
}
}  // namespace

core::Result<std::unique_ptr<IngestLeadership>> IngestLeadership::create(
    storage::IngestLeaderLock& lock, storage::IngestCursorRepository& cursors, PostSink& sink,
    const core::Clock& clock, ConsumerOptions consumer, LeadershipOptions options) {
  if (auto url = parse_source_url(consumer.source_url, consumer.kind); !url.ok()) {
    return std::move(url).error();
  }
  if (options.retry_interval.count() <= 0) {
    return core::make_error(core::ErrorCode::invalid_request,
                            "the ingest leader retry interval must be positive");
  }
  return std::unique_ptr<IngestLeadership>(
      new IngestLeadership(lock, cursors, sink, clock, std::move(consumer), options));
}

IngestLeadership::IngestLeadership(storage::IngestLeaderLock& lock,
                                   storage::IngestCursorRepository& cursors, PostSink& sink,
                                   const core::Clock& clock, ConsumerOptions consumer,
                                   LeadershipOptions options)
    : lock_(lock),
      cursors_(cursors),
      sink_(sink),
      clock_(clock),
      consumer_options_(std::move(consumer)),
      options_(options),
      worker_(
          options.retry_interval,
          [this] {
            attempt();
            return core::PeriodicWorker::Next::wait;
          },
          core::PeriodicWorker::FirstRound::after_interval) {}

IngestLeadership::~IngestLeadership() { stop(); }

void IngestLeadership::start() {
  if (started_) return;
  started_ = true;
  attempt();
  worker_.start();
}

void IngestLeadership::stop() {
  if (stopped_.exchange(true)) return;
  worker_.stop();
  // The consumer first (its cursor saved), then the lock: a standby taking over resumes from
  // the cursor this leader saved last.
  if (leader()) become_standby(stopping_reason);
  lock_.release();
}

void IngestLeadership::attempt() {
  if (leader()) {
    if (!lock_.still_held()) become_standby("the ingest leader lock was lost");
    return;
  }
  auto acquired = lock_.try_acquire();
  if (!acquired.ok()) {
    std::lock_guard lock(state_mutex_);
    const std::string detail = "standby: cannot reach the lock (" + acquired.error().message + ")";
    if (detail != standby_detail_) {
      core::log::warn("ingest_leader_lock_unavailable", {{"error", acquired.error().message}});
    }
    standby_detail_ = detail;
    return;
  }
  if (!*acquired) {
    std::lock_guard lock(state_mutex_);
    if (standby_detail_.rfind("standby: another", 0) != 0) {
      core::log::info("ingest_standby", {{"source", consumer_options_.source_url}});
    }
    standby_detail_ = "standby: another process holds the ingest leader lock";
    return;
  }
  become_leader();
}

void IngestLeadership::become_leader() {
  auto consumer = FirehoseConsumer::create(cursors_, sink_, clock_, consumer_options_);
  core::Result<void> started =
      consumer.ok() ? (*consumer)->start() : core::Result<void>(consumer.error());
  if (!started.ok()) {
    // Not consuming, so not the leader either: another process (or the next turn) may be.
    lock_.release();
    core::log::warn("ingest_leader_not_started", {{"error", started.error().message}});
    std::lock_guard lock(state_mutex_);
    standby_detail_ = "standby: the consumer did not start (" + started.error().message + ")";
    return;
  }
  std::lock_guard lock(state_mutex_);
  consumer_ = std::move(consumer).value();
  ++takeovers_;
  core::log::info("ingest_leader", {{"source", consumer_options_.source_url},
                                    {"takeovers", static_cast<long long>(takeovers_)}});
}

void IngestLeadership::become_standby(const std::string& why) {
  std::unique_ptr<FirehoseConsumer> stopped;
  {
    std::lock_guard lock(state_mutex_);
    add_counts(retired_, consumer_->counts());
    stopped = std::move(consumer_);
    standby_detail_ = "standby: " + why;
  }
  if (why == stopping_reason) {
    core::log::info("ingest_leader_stopping", {{"source", consumer_options_.source_url}});
  } else {
    core::log::warn("ingest_standby", {{"source", consumer_options_.source_url}, {"reason", why}});
  }
  // Outside the state lock: stopping saves the cursor, and /readyz must not wait for that.
  stopped->stop();
}

bool IngestLeadership::leader() const {
  std::lock_guard lock(state_mutex_);
  return consumer_ != nullptr;
}

ConsumerCounts IngestLeadership::counts() const {
  std::lock_guard lock(state_mutex_);
  ConsumerCounts total = retired_;
  if (consumer_) add_counts(total, consumer_->counts());
  return total;
}

ConsumerStatus IngestLeadership::status() const {
  std::lock_guard lock(state_mutex_);
  return consumer_ ? consumer_->status() : ConsumerStatus{};
}

std::uint64_t IngestLeadership::takeovers() const {
  std::lock_guard lock(state_mutex_);
  return takeovers_;
}

services::ReadinessCheck IngestLeadership::readiness_check() const {
  std::lock_guard lock(state_mutex_);
  if (consumer_) {
    services::ReadinessCheck check = consumer_->readiness_check();
    check.detail = "leader: " + check.detail;
    return check;
  }
  services::ReadinessCheck check;
  check.name = "ingest";
  check.required = false;
  check.ok = true;
  check.detail = standby_detail_;
  return check;
}

}  // namespace roost::ingest
