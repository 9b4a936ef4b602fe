#include "scheduler/handle_worker.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "core/backoff.hpp"
#include "core/log.hpp"

namespace roost::scheduler {

std::chrono::milliseconds handle_retry_delay(std::int64_t failures,
                                             const HandleWorkerOptions& options) {
  const int counted = static_cast<int>(std::min<std::int64_t>(failures, 64));
  return core::backoff_delay(counted, options.retry_base_delay, options.retry_max_delay, 0, 0.0);
}

HandleWorker::~HandleWorker() { stop(); }

core::Result<std::size_t> HandleWorker::run_once() {
  std::vector<std::string> dids;
  std::set<std::string> seen;
  // A DID found once the batch is full waits in the backlog: the scan's cursor has moved past
  // its item, and without a cache row nothing else would find it again.
  auto take = [&](std::vector<std::string> found) {
    for (auto& did : found) {
      if (!seen.insert(did).second) continue;
      if (dids.size() >= options_.batch_max) {
        backlog_.push_back(std::move(did));
      } else {
        dids.push_back(std::move(did));
      }
    }
  };
  // What this round took but did not resolve goes back to the backlog's front: a failed read
  // or a stop must not lose a DID the scan's cursor has already passed.
  auto give_back = [&](std::size_t from) {
    for (auto at = dids.size(); at > from; --at) backlog_.push_front(std::move(dids[at - 1]));
  };
  while (!backlog_.empty() && dids.size() < options_.batch_max) {
    if (seen.insert(backlog_.front()).second) dids.push_back(std::move(backlog_.front()));
    backlog_.pop_front();
  }
  if (options_.identity_changes != nullptr) {
    // Only the DIDs the cache holds matter: the others are resolved when an item names them.
    auto changed = options_.identity_changes->take(options_.batch_max);
    for (std::size_t at = 0; at < changed.size(); ++at) {
      auto cached = handles_.find(changed[at]);
      if (!cached) {
        for (; at < changed.size(); ++at) dids.push_back(std::move(changed[at]));
        give_back(0);
        return std::move(cached).error();
      }
      if (cached->has_value() && seen.insert(changed[at]).second) {
        dids.push_back(std::move(changed[at]));
      }
    }
  }
  for (auto [items, after] :
       {std::pair{storage::AuthoredItems::stream_items, &stream_items_after_},
        std::pair{storage::AuthoredItems::inbox_items, &inbox_items_after_}}) {
    // Scan forward until the batch is full or the table is read to its end.
    while (dids.size() < options_.batch_max) {
      auto scan = handles_.scan(items, *after, options_.scan_rows_max);
      if (!scan) {
        give_back(0);
        return std::move(scan).error();
      }
      const bool moved = scan->last_id != *after;
      *after = scan->last_id;
      take(std::move(scan->unknown_dids));
      if (!moved) break;
    }
  }
  if (dids.size() < options_.batch_max) {
    auto due = handles_.due(clock_.now_ms(), options_.batch_max - dids.size());
    if (!due) {
      give_back(0);
      return std::move(due).error();
    }
    for (auto& did : *due) {
      if (seen.insert(did).second) dids.push_back(std::move(did));
    }
  }
  std::size_t tried = 0;
  for (const auto& did : dids) {
    if (tried > 0 && !worker_.pause(options_.resolve_interval)) break;
    resolve(did);
    ++tried;
  }
  give_back(tried);
  return tried;
}

void HandleWorker::resolve(const std::string& did) {
  const std::int64_t now = clock_.now_ms();
  auto identity = identities_.identity_of_did(did);
  if (identity || identity.error().kind == networks::FailureKind::not_found ||
      identity.error().kind == networks::FailureKind::permanent) {
    // An answer: a handle, none verified, or a DID no directory knows (checked again later).
    std::optional<std::string> handle;
    if (identity && !identity->handle.empty()) handle = identity->handle;
    auto stored =
        handles_.record_resolved(did, handle, now, now + options_.refresh_interval.count());
    if (!stored) {
      core::log::warn("handle_store_failed", {{"did", did}, {"error", stored.error().message}});
    }
    resolved_total_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  failed_total_.fetch_add(1, std::memory_order_relaxed);
  auto existing = handles_.find(did);
  const std::int64_t failures = existing && existing->has_value() ? (*existing)->failures + 1 : 1;
  auto delay = handle_retry_delay(failures, options_);
  // A 429 that says when to come back is believed, within the maximum.
  if (identity.error().retry_after) {
    delay = std::clamp(
        std::chrono::duration_cast<std::chrono::milliseconds>(*identity.error().retry_after), delay,
        options_.retry_max_delay);
  }
  auto stored = handles_.record_failure(did, now, now + delay.count());
  if (!stored) {
    core::log::warn("handle_store_failed", {{"did", did}, {"error", stored.error().message}});
  }
  core::log::info("handle_resolve_failed",
                  {{"did", did},
                   {"kind", std::string(networks::failure_kind_name(identity.error().kind))},
                   {"retry_in_ms", std::to_string(delay.count())}});
}

core::Result<std::size_t> HandleWorker::resolve_rule_authors() {
  if (options_.rules == nullptr) return std::size_t{0};
  auto awaiting = options_.rules->rules_awaiting_author(rules_after_, options_.batch_max);
  if (!awaiting) return std::move(awaiting).error();
  rules_after_ = awaiting->size() < options_.batch_max ? 0 : awaiting->back().rule.id.value;
  std::size_t tried = 0;
  for (const auto& record : *awaiting) {
    const auto& rule = record.rule;
    const std::int64_t now = clock_.now_ms();
    auto retry = rule_retries_.find(rule.id.value);
    // An edited rule starts afresh: its new author has not failed yet.
    if (retry != rule_retries_.end() && retry->second.author != rule.when.author) {
      rule_retries_.erase(retry);
      retry = rule_retries_.end();
    }
    if (retry != rule_retries_.end() && retry->second.next_attempt_at_ms > now) continue;
    if (tried > 0 && !worker_.pause(options_.resolve_interval)) break;
    ++tried;
    auto did = identities_.did_of_handle(rule.when.author);
    if (did) {
      auto stored = options_.rules->set_rule_author_did(rule.id, rule.when.author, *did);
      if (!stored) return std::move(stored).error();
      rule_retries_.erase(rule.id.value);
      core::log::info("rule_author_resolved",
                      {{"rule_id", std::to_string(rule.id.value)}, {"did", *did}});
      continue;
    }
    auto& failed = rule_retries_[rule.id.value];
    failed.author = rule.when.author;
    ++failed.failures;
    const auto delay = handle_retry_delay(failed.failures, options_);
    failed.next_attempt_at_ms = now + delay.count();
    // Told once per failure with its reason: a handle that names no one stays visible (the
    // API shows the rule's author_did as null) until someone edits the rule.
    core::log::warn("rule_author_unresolved",
                    {{"rule_id", std::to_string(rule.id.value)},
                     {"author", rule.when.author},
                     {"kind", std::string(networks::failure_kind_name(did.error().kind))},
                     {"retry_in_ms", std::to_string(delay.count())}});
  }
  return tried;
}

void HandleWorker::start() { worker_.start(); }

void HandleWorker::stop() { worker_.stop(); }

core::PeriodicWorker::Next HandleWorker::round() {
  auto tried = run_once();
  if (!tried) core::log::warn("handle_worker_failed", {{"error", tried.error().message}});
  if (auto rules = resolve_rule_authors(); !rules) {
    core::log::warn("handle_worker_failed", {{"error", rules.error().message}});
  }
  // A full batch: more may be waiting, no idle pause (the resolve interval bounds the rate).
  return tried && *tried >= options_.batch_max ? core::PeriodicWorker::Next::again
                                               : core::PeriodicWorker::Next::wait;
}

HandleWorkerCounts HandleWorker::counts() const {
  return {resolved_total_.load(std::memory_order_relaxed),
          failed_total_.load(std::memory_order_relaxed)};
}

}  // namespace roost::scheduler
