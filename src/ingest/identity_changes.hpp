#pragma once

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// The DIDs whose identity (handle) changed, as the firehose's #identity events say (ADR
// 0030): the consumer notes them on the ingest thread (a lock and a push, nothing else), the
// handle worker takes them and resolves again those it has cached. The event's own handle
// field is not trusted: the worker verifies both ways, as for any DID. Bounded: beyond
// `capacity` pending DIDs a note is dropped (the worker's periodic refresh catches up).
namespace roost::ingest {

class IdentityChanges {
 public:
  explicit IdentityChanges(std::size_t capacity = 10'000) : capacity_(capacity) {}

  void note(std::string_view did) {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= capacity_) {
      ++dropped_;
      return;
    }
    pending_.emplace_back(did);
  }
  // Up to `max` DIDs, oldest first; they are no longer pending.
  std::vector<std::string> take(std::size_t max) {
    std::lock_guard lock(mutex_);
    const std::size_t count = std::min(max, pending_.size());
    std::vector<std::string> taken(std::make_move_iterator(pending_.begin()),
                                   std::make_move_iterator(pending_.begin() + count));
    pending_.erase(pending_.begin(), pending_.begin() + count);
    return taken;
  }
  std::size_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<std::string> pending_;
  std::size_t dropped_ = 0;
};

}  // namespace roost::ingest
