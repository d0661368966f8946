// A small Prometheus registry (text exposition format 0.0.4) and the GET /metrics route. The
// HTTP server records request counts by route and status and a latency histogram per route;
// other parts register gauge or counter callbacks that are read at scrape time, so figures kept
// elsewhere (ingest counters, bus queue depths, store sizes) need no copying.
//
// /metrics answers loopback peers, and others only with `Authorization: Bearer
// <DECNET_METRICS_TOKEN>` (compared in constant time); everyone else gets 403. It lives outside
// /api/v1 and outside the user tokens so a scraper needs no dashboard account.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::api {

class Router;

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double amount);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf; and the sum.
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Seconds: 1 ms .. 10 s.
const std::vector<double>& default_latency_buckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The same name and labels return the same object (valid as long as the registry). Throws
  // std::invalid_argument for a bad name or label name, or a name used with another type.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help,
                       const std::vector<double>& upper_bounds, const Labels& labels = {});
  // Read at every scrape; a callback must be cheap and must not call back into the registry.
  // Registering the same name and labels again replaces the callback.
  void gauge_callback(std::string_view name, std::string_view help, std::function<double()> fn,
                      const Labels& labels = {});
  void counter_callback(std::string_view name, std::string_view help, std::function<double()> fn,
                        const Labels& labels = {});

  // The whole registry in the text format, families sorted by name.
  std::string render() const;

 private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// `\` -> `\\`, `"` -> `\"`, newline -> `\n`.
std::string escape_label_value(std::string_view value);
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

bool is_loopback_peer(std::string_view address);

// Adds GET /metrics. An empty token means loopback peers only.
void add_metrics_route(Router& router, MetricsRegistry& registry, std::string token);

}  // namespace decnet::api
