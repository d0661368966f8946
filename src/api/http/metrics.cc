// Series live in families keyed by their label values; objects are never removed, so the
// references handed out stay valid and hot paths (the HTTP server) can cache them. Rendering
// takes the registry lock only; series values are atomics read without further locking.
#include "api/http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "api/http/http_types.h"
#include "api/http/route_table.h"
#include "core/hash.h"
#include "core/ip.h"

namespace decnet::api {

namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };

std::string_view type_text(int type) {
  switch (type) {
    case kCounter:
      return "counter";
    case kGauge:
      return "gauge";
    default:
      return "histogram";
  }
}

std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 9.0e15)
    return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string label_text(const Labels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + escape_label_value(extra_value) + "\"";
  }
  out += '}';
  return out;
}

void check_labels(const Labels& labels) {
  for (const auto& [k, v] : labels) {
    if (!valid_label_name(k) || k == "le") {
      throw std::invalid_argument("bad metric label name: " + k);
    }
  }
}

template <typename T>
void atomic_add(std::atomic<T>& a, T amount) {
  T current = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(current, current + amount, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Counter::inc(double amount) {
  if (amount > 0) atomic_add(value_, amount);
}

void Gauge::add(double amount) {
  atomic_add(value_, amount);
}

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, value);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::uint64_t Histogram::count() const {
  return cumulative_counts().back();
}

const std::vector<double>& default_latency_buckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

struct MetricsRegistry::Family {
  int type = kCounter;
  std::string help;
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };
  std::map<Labels, Series> series;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help,
                                                 int type) {
  if (!valid_metric_name(name))
    throw std::invalid_argument("bad metric name: " + std::string(name));
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->type = type;
    f->help = std::string(help);
    it = families_.emplace(std::string(name), std::move(f)).first;
  } else if (it->second->type != type) {
    throw std::invalid_argument("metric " + std::string(name) + " already registered as " +
                                std::string(type_text(it->second->type)));
  }
  return *it->second;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  const Labels& labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kCounter).series[labels];
  if (!s.counter) {
    if (s.callback) throw std::invalid_argument("metric series is a callback");
    s.counter = std::make_unique<Counter>();
  }
  return *s.counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kGauge).series[labels];
  if (!s.gauge) {
    if (s.callback) throw std::invalid_argument("metric series is a callback");
    s.gauge = std::make_unique<Gauge>();
  }
  return *s.gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      const std::vector<double>& upper_bounds,
                                      const Labels& labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kHistogram).series[labels];
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(upper_bounds);
  return *s.histogram;
}

void MetricsRegistry::gauge_callback(std::string_view name, std::string_view help,
                                     std::function<double()> fn, const Labels& labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kGauge).series[labels];
  if (s.gauge) throw std::invalid_argument("metric series is not a callback");
  s.callback = std::move(fn);
}

void MetricsRegistry::counter_callback(std::string_view name, std::string_view help,
                                       std::function<double()> fn, const Labels& labels) {
  check_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, help, kCounter).series[labels];
  if (s.counter) throw std::invalid_argument("metric series is not a callback");
  s.callback = std::move(fn);
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, f] : families_) {
    if (f->series.empty()) continue;
    out += "# HELP " + name + " " + escape_help(f->help) + "\n";
    out += "# TYPE " + name + " " + std::string(type_text(f->type)) + "\n";
    for (const auto& [labels, s] : f->series) {
      if (s.histogram) {
        const auto counts = s.histogram->cumulative_counts();
        const auto& bounds = s.histogram->upper_bounds();
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          const std::string le = i < bounds.size() ? format_number(bounds[i]) : "+Inf";
          out += name + "_bucket" + label_text(labels, "le", le) + " " + std::to_string(counts[i]) +
                 "\n";
        }
        out += name + "_sum" + label_text(labels) + " " + format_number(s.histogram->sum()) + "\n";
        out += name + "_count" + label_text(labels) + " " + std::to_string(counts.back()) + "\n";
        continue;
      }
      double v = 0;
      if (s.counter) {
        v = s.counter->value();
      } else if (s.gauge) {
        v = s.gauge->value();
      } else if (s.callback) {
        try {
          v = s.callback();
        } catch (...) {
          v = std::nan("");
        }
      }
      out += name + label_text(labels) + " " + format_number(v) + "\n";
    }
  }
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool is_loopback_peer(std::string_view address) {
  const auto ip = core::IpAddress::parse(address);
  return ip && core::classify(*ip) == core::IpClass::kLoopback;
}

void add_metrics_route(Router& router, MetricsRegistry& registry, std::string token) {
  router.add(
      {.method = "GET",
       .path = "/metrics",
       .access = Access::kPublic,
       .lane = Lane::kFast,
       .summary = "Prometheus metrics (loopback peers, or the metrics bearer token)",
       .tag = "meta",
       .response_content_type = "text/plain",
       .handler = [&registry, token = std::move(token)](const Request& request, const Principal*) {
         bool allowed = is_loopback_peer(request.peer_address);
         if (!allowed && !token.empty()) {
           const auto presented = request.bearer_token();
           allowed = presented && core::constant_time_equal(*presented, token);
         }
         if (!allowed) {
           return json(403, {{"detail",
                              "metrics are available to loopback peers or "
                              "with the metrics token"}});
         }
         return Response::text(200, registry.render(), "text/plain; version=0.0.4; charset=utf-8");
       }});
}

}  // namespace decnet::api
