#include "api/http/metrics.hpp"

#include <fmt/format.h>

namespace roost::api::http {

Metrics::Metrics(const Router& router) {
  auto unmatched = std::make_unique<RouteSeries>();
  unmatched->label = "unmatched";
  unmatched->method = "any";
  routes_.push_back(std::move(unmatched));
  for (const auto& route : router.routes()) {
    auto series = std::make_unique<RouteSeries>();
    series->label = route.pattern;
    series->method = std::string(method_name(route.method));
    routes_.push_back(std::move(series));
  }
}

void Metrics::request_finished(std::size_t route_id, int status,
                               std::chrono::nanoseconds duration) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (route_id >= routes_.size()) route_id = 0;
  auto& series = *routes_[route_id];
  if (status >= status_min && status < status_min + status_count) {
    series.by_status[status - status_min].fetch_add(1, std::memory_order_relaxed);
  }
  double seconds = std::chrono::duration<double>(duration).count();
  for (std::size_t bucket = 0; bucket < latency_buckets_seconds.size(); ++bucket) {
    if (seconds <= latency_buckets_seconds[bucket]) {
      series.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_nanoseconds.fetch_add(static_cast<std::uint64_t>(duration.count()),
                                   std::memory_order_relaxed);
}

void Metrics::add_collector(Collector collector) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP roost_http_requests_total HTTP requests answered, by route, method and status.\n";
  out += "# TYPE roost_http_requests_total counter\n";
  for (const auto& series : routes_) {
    for (int index = 0; index < status_count; ++index) {
      auto value = series->by_status[index].load(std::memory_order_relaxed);
      if (value == 0) continue;
      fmt::format_to(std::back_inserter(out),
                     "roost_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                     series->label, series->method, index + status_min, value);
    }
  }
  out += "# HELP roost_http_request_duration_seconds Time from request read to response written.\n";
  out += "# TYPE roost_http_request_duration_seconds histogram\n";
  for (const auto& series : routes_) {
    auto count = series->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::uint64_t cumulative = 0;
    for (std::size_t bucket = 0; bucket < latency_buckets_seconds.size(); ++bucket) {
      cumulative += series->buckets[bucket].load(std::memory_order_relaxed);
      fmt::format_to(
          std::back_inserter(out),
          "roost_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"{}\"}} "
          "{}\n",
          series->label, series->method, latency_buckets_seconds[bucket], cumulative);
    }
    fmt::format_to(
        std::back_inserter(out),
        "roost_http_request_duration_seconds_bucket{{route=\"{}\",method=\"{}\",le=\"+Inf\"}} {}\n",
        series->label, series->method, count);
    fmt::format_to(
        std::back_inserter(out),
        "roost_http_request_duration_seconds_sum{{route=\"{}\",method=\"{}\"}} {:.6f}\n",
        series->label, series->method,
        static_cast<double>(series->sum_nanoseconds.load(std::memory_order_relaxed)) / 1e9);
    fmt::format_to(std::back_inserter(out),
                   "roost_http_request_duration_seconds_count{{route=\"{}\",method=\"{}\"}} {}\n",
                   series->label, series->method, count);
  }
  out += "# HELP roost_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE roost_http_requests_in_flight gauge\n";
  fmt::format_to(std::back_inserter(out), "roost_http_requests_in_flight {}\n",
                 in_flight_.load(std::memory_order_relaxed));
  out += "# HELP roost_http_connections_open Open client connections.\n";
  out += "# TYPE roost_http_connections_open gauge\n";
  fmt::format_to(std::back_inserter(out), "roost_http_connections_open {}\n",
                 connections_open_.load(std::memory_order_relaxed));
  std::lock_guard lock(collectors_mutex_);
  for (const auto& collector : collectors_) collector(out);
  return out;
}

}  // namespace roost::api::http
