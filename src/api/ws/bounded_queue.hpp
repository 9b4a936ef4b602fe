#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

namespace roost::api::ws {

// The send queue of one WebSocket: a client that does not read fast enough fills it, and
// is then dropped rather than allowed to grow the server's memory without bound.
template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // False when the queue is full (the item is not added).
  bool push(T item) {
    if (items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  std::optional<T> pop() {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<T> items_;
};

}  // namespace roost::api::ws
