// The EVT body is assembled from JSON texts rather than built as a document: the payload of a
// PUB is passed on exactly as the publisher wrote it (the session has validated it), which
// spares a parse and a dump per event. Heartbeats keep a fixed grid from the first one; beats
// missed while the loop was busy are not made up, as with a timerfd.
#include "bus/broker_router.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "bus/frame.h"
#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"

namespace decnet::bus {

BrokerRouter::BrokerRouter(boost::asio::io_context& io,
                           std::chrono::milliseconds heartbeat_interval)
    : heartbeat_timer_(io), interval_(std::max(heartbeat_interval, std::chrono::milliseconds(1))) {}

void BrokerRouter::subscribe(BrokerEndpoint& endpoint, const std::string& pattern) {
  auto& patterns = routes_[&endpoint];
  const bool known = std::any_of(patterns.begin(), patterns.end(),
                                 [&](const Pattern& p) { return p.text() == pattern; });
  if (!known) patterns.emplace_back(pattern);
}

void BrokerRouter::unsubscribe(BrokerEndpoint& endpoint, std::string_view pattern) {
  const auto it = routes_.find(&endpoint);
  if (it == routes_.end()) return;
  std::erase_if(it->second, [&](const Pattern& p) { return p.text() == pattern; });
  if (it->second.empty()) routes_.erase(it);
}

void BrokerRouter::forget(BrokerEndpoint& endpoint) {
  routes_.erase(&endpoint);
}

void BrokerRouter::publish(const BrokerEndpoint* origin, std::string_view topic,
                           std::string_view type, const nlohmann::json& payload) {
  std::string type_json, payload_json;
  try {
    type_json = core::json_text(type);
    payload_json = core::json_text(payload);
  } catch (const std::exception& e) {
    spdlog::warn("bus: cannot encode event on {}: {}", topic, e.what());
    return;
  }
  publish_raw(origin, topic, type_json, payload_json);
}

void BrokerRouter::publish_raw(const BrokerEndpoint* origin, std::string_view topic,
                               std::string_view type_json, std::string_view payload_json) {
  std::string body;
  body.reserve(96 + topic.size() + type_json.size() + payload_json.size());
  body += R"({"v":1,"id":")";
  body += core::random_hex_id();
  body += R"(","topic":)";
  body += core::json_text(topic);
  body += R"(,"type":)";
  body += type_json;
  body += R"(,"ts":)";
  body += fmt::format("{:.6f}", core::now_epoch_seconds());
  body += R"(,"payload":)";
  body += payload_json;
  body += '}';
  if (auto error = frame_error("EVT", topic, body.size())) {
    spdlog::warn("bus: dropping event on {} for everyone: {}", topic, *error);
    return;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  FramePtr frame;
  for (auto& [endpoint, patterns] : routes_) {
    if (endpoint == origin) continue;
    const bool wanted = std::any_of(patterns.begin(), patterns.end(),
                                    [&](const Pattern& p) { return p.matches(topic); });
    if (!wanted) continue;
    if (!frame) frame = std::make_shared<const std::string>(encode_frame(Verb::kEvt, topic, body));
    if (endpoint->send(frame)) delivered_.fetch_add(1, std::memory_order_relaxed);
  }
}

void BrokerRouter::start_heartbeats() {
  beating_ = true;
  heartbeat();
  next_beat_ = started_at_ + interval_;
  arm_heartbeat();
}

void BrokerRouter::stop_heartbeats() {
  beating_ = false;
  heartbeat_timer_.cancel();
}

void BrokerRouter::arm_heartbeat() {
  const auto now = Clock::now();
  while (next_beat_ <= now) next_beat_ += interval_;
  heartbeat_timer_.expires_at(next_beat_);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !beating_) return;
    heartbeat();
    arm_heartbeat();
  });
}

void BrokerRouter::heartbeat() {
  const double uptime = std::chrono::duration<double>(Clock::now() - started_at_).count();
  publish(nullptr, "system.bus.health", "bus.health",
          {{"pid", static_cast<std::int64_t>(::getpid())},
           {"uptime_sec", std::round(uptime * 1000.0) / 1000.0},
           {"ts", core::now_epoch_seconds()}});
}

}  // namespace decnet::bus
