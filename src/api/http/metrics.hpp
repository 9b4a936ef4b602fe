#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http/router.hpp"

namespace roost::api::http {

// Prometheus metrics of the HTTP server. Counters are lock-free atomics indexed by route
// id and status, so observing a request costs a few relaxed increments and no lock.
class Metrics {
 public:
  static constexpr std::array<double, 14> latency_buckets_seconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  explicit Metrics(const Router& router);

  void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void request_finished(std::size_t route_id, int status, std::chrono::nanoseconds duration);
  void connection_opened() { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }

  // Other layers (the database pool, later the scheduler) append their own metric lines.
  using Collector = std::function<void(std::string& out)>;
  void add_collector(Collector collector);

  std::string render() const;

 private:
  static constexpr int status_min = 100;
  static constexpr int status_count = 500;  // 100..599

  struct RouteSeries {
    std::string label;
    std::string method;
    std::array<std::atomic<std::uint64_t>, status_count> by_status{};
    std::array<std::atomic<std::uint64_t>, latency_buckets_seconds.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_nanoseconds{0};
  };

  std::vector<std::unique_ptr<RouteSeries>> routes_;  // index = route id; 0 = unmatched
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_open_{0};
  mutable std::mutex collectors_mutex_;
  std::vector<Collector> collectors_;
};

}  // namespace roost::api::http
