#include "api/routes/worker_registry.h"

#include "core/time.h"

namespace decnet::api {

WorkerRegistry::WorkerRegistry(bus::Bus& bus, std::vector<std::string> known,
                               double stale_after_seconds)
    : stale_after_(stale_after_seconds) {
  for (auto& name : known) workers_[std::move(name)];
  subscription_ = bus.subscribe("system.*.health", [this](const bus::Event& e) { on_beat(e); },
                                {.name = "api-worker-registry", .queue_capacity = 1024});
}

WorkerRegistry::~WorkerRegistry() {
  subscription_.unsubscribe();
}

void WorkerRegistry::on_beat(const bus::Event& event) {
  // system.<name>.health: the name is the middle token.
  const auto first = event.topic.find('.');
  const auto last = event.topic.rfind('.');
  if (first == std::string::npos || last <= first + 1) return;
  const auto name = event.topic.substr(first + 1, last - first - 1);
  auto extra = event.payload;
  const double ts = extra.contains("ts") && extra["ts"].is_number() ? extra["ts"].get<double>()
                                                                    : core::now_epoch_seconds();
  extra.erase("ts");
  extra.erase("worker");
  std::lock_guard lock(mu_);
  workers_[name] = std::make_pair(ts, std::move(extra));
}

std::vector<WorkerRegistry::Row> WorkerRegistry::snapshot(double now) const {
  std::lock_guard lock(mu_);
  std::vector<Row> rows;
  for (const auto& [name, beat] : workers_) {
    Row row;
    row.name = name;
    if (!beat) {
      row.status = "unknown";
    } else {
      row.last_heartbeat_ts = beat->first;
      row.seconds_since = std::max(0.0, now - beat->first);
      row.status = *row.seconds_since < stale_after_ ? "ok" : "stale";
      row.extra = beat->second;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

bool WorkerRegistry::knows(const std::string& name) const {
  std::lock_guard lock(mu_);
  return workers_.count(name) != 0;
}

}  // namespace decnet::api
