#include "bus/unix_bus.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <limits>
#include <optional>

#include "bus/bus_error.h"
#include "bus/matcher.h"
#include "core/json_text.h"

namespace decnet::bus {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kDropWarningInterval = std::chrono::seconds(10);

std::string default_name() {
  return "decnet-bus-client[" + std::to_string(::getpid()) + "]";
}

}  // namespace

UnixSocketBus::UnixSocketBus(Options options)
    : options_(std::move(options)),
      name_(options_.client_name.empty() ? default_name() : options_.client_name),
      subscribers_(std::make_shared<SubscriberSet>()),
      alive_(std::make_shared<Alive>()) {
  {
    core::MutexLock lock(alive_->mu);
    alive_->bus = this;
  }
  link_ = std::make_unique<UnixBusLink>(
      UnixBusLink::Options{options_.socket_path, options_.reconnect_initial,
                           options_.reconnect_max},
      static_cast<UnixBusLink::Owner&>(*this));
  // Before the thread starts, so a publish right after construction is sent.
  std::string error;
  if (!link_->connect(&error)) {
    if (options_.require_broker) {
      throw BusError("cannot connect to the bus broker at " + options_.socket_path.native() + ": " +
                     error);
    }
    core::MutexLock lock(mu_);
    last_error_ = error;
  }
  link_->start();
}

UnixSocketBus::~UnixSocketBus() {
  close();
}

void UnixSocketBus::push_locked(OutFrame frame) {
  const bool was_empty = outq_.empty();
  outq_.push_back(std::move(frame));
  if (was_empty) link_->wake();
}

void UnixSocketBus::count_drop_locked(std::string_view why) {
  ++dropped_;
  const auto now = Clock::now();
  if (!warned_drop_) {
    warned_drop_ = true;
    last_drop_warning_ = now;
    spdlog::warn("bus: publish dropped ({}); further drops are counted in health()", why);
  } else if (now - last_drop_warning_ >= kDropWarningInterval) {
    last_drop_warning_ = now;
    spdlog::warn("bus: {} publishes dropped so far ({})", dropped_, why);
  } else {
    spdlog::debug("bus: publish dropped ({})", why);
  }
}

void UnixSocketBus::publish(std::string_view topic, nlohmann::json payload, std::string_view type) {
  // The broker reads only type and payload and mints id and ts itself.
  std::string body;
  std::optional<std::string> error;
  try {
    nlohmann::json envelope{
        {"type", type},
        {"payload", payload.is_object() ? std::move(payload) : nlohmann::json::object()}};
    body = core::json_text(envelope);
    error = topic.empty() ? std::optional<std::string>("empty topic")
                          : frame_error("PUB", topic, body.size());
  } catch (const std::exception& e) {
    error = e.what();
  }
  core::MutexLock lock(mu_);
  if (error) {
    count_drop_locked("invalid event on '" + std::string(topic.substr(0, 200)) + "': " + *error);
    return;
  }
  if (closing_) {
    count_drop_locked("publish on a closed bus");
    return;
  }
  if (!connected_) {
    count_drop_locked("not connected to the broker at " + options_.socket_path.native());
    return;
  }
  if (outq_.size() >= options_.outbound_frames) {
    count_drop_locked("outbound queue full");
    return;
  }
  push_locked(OutFrame{encode_frame(Verb::kPub, topic, body), true});
  ++published_;
}

Subscription UnixSocketBus::subscribe(std::string_view pattern, Handler handler,
                                      SubscribeOptions options) {
  {
    core::MutexLock lock(mu_);
    if (closing_) throw BusError("subscribe on a closed bus");
  }
  if (auto error = frame_error("SUB", pattern, 0)) throw BusError(*error);
  auto subscription = subscribers_->add(pattern, std::move(handler), std::move(options),
                                        [alive = alive_](const std::string& p) {
                                          core::MutexLock lock(alive->mu);
                                          if (alive->bus) alive->bus->unsubscribe_pattern(p);
                                        });
  bool closed = false;
  std::optional<std::string> unacknowledged;  // why, when no acknowledgement came in time
  {
    core::MutexLock lock(mu_);
    const std::uint64_t generation = generation_;
    std::uint64_t seq = std::numeric_limits<std::uint64_t>::max();
    if (connected_) {
      push_locked(OutFrame{encode_frame(Verb::kSub, pattern), false});
      seq = ++sent_;
    }
    const auto deadline = Clock::now() + options_.ack_timeout;
    const bool acked = acked_cv_.wait_until(lock.native(), deadline, [&] {
      mu_.assert_held();
      if (closing_) return true;
      if (!connected_) return false;
      return generation_ == generation ? acked_ >= seq : acked_ >= resync_;
    });
    closed = closing_;
    if (!closed && !acked) {
      unacknowledged = connected_ ? "connected, no acknowledgement" : last_error_;
    }
  }
  if (closed) {
    subscription.unsubscribe();
    throw BusError("bus closed while subscribing to " + std::string(pattern));
  }
  if (unacknowledged) {
    subscription.unsubscribe();
    throw BusError("the bus broker at " + options_.socket_path.native() +
                   " did not acknowledge SUB " + std::string(pattern) + " within " +
                   std::to_string(options_.ack_timeout.count()) + " ms (" + *unacknowledged + ")");
  }
  return subscription;
}

void UnixSocketBus::unsubscribe_pattern(const std::string& pattern) {
  core::MutexLock lock(mu_);
  if (closing_ || !connected_ || subscribers_->has_pattern(pattern)) return;
  push_locked(OutFrame{encode_frame(Verb::kUnsub, pattern), false});
  ++sent_;
}

BusHealth UnixSocketBus::health() const {
  BusHealth h;
  h.transport = "unix";
  h.subscribers = subscribers_->stats();
  core::MutexLock lock(mu_);
  h.connected = connected_ && !closing_ && acked_ >= resync_;
  h.published = published_;
  const auto& path = options_.socket_path.native();
  if (closing_) {
    h.detail = "closed";
  } else if (connected_) {
    h.detail = "connected to " + path;
    if (connects_ > 1) h.detail += " (reconnected " + std::to_string(connects_ - 1) + " times)";
  } else {
    h.detail = "disconnected from " + path + ": " + last_error_ + "; reconnecting";
  }
  if (dropped_ > 0) h.detail += "; " + std::to_string(dropped_) + " publishes dropped";
  return h;
}

std::uint64_t UnixSocketBus::dropped() const {
  core::MutexLock lock(mu_);
  return dropped_;
}

std::uint64_t UnixSocketBus::connects() const {
  core::MutexLock lock(mu_);
  return connects_;
}

void UnixSocketBus::close() {
  {
    core::MutexLock lock(mu_);
    if (closing_) return;
    closing_ = true;
  }
  {
    // A Subscription may outlive the bus; from now on cancelling it does not call back here.
    core::MutexLock lock(alive_->mu);
    alive_->bus = nullptr;
  }
  acked_cv_.notify_all();
  link_->stop();
  {
    core::MutexLock lock(mu_);
    connected_ = false;
  }
  subscribers_->clear();
}

void UnixSocketBus::link_up() {
  {
    core::MutexLock lock(mu_);
    ++generation_;
    ++connects_;
    sent_ = 0;
    acked_ = 0;
    outq_.clear();
    push_locked(OutFrame{encode_frame(Verb::kHello, name_, R"({"features":["ack"]})"), false});
    ++sent_;
    for (const auto& pattern : subscribers_->patterns()) {
      push_locked(OutFrame{encode_frame(Verb::kSub, pattern), false});
      ++sent_;
    }
    resync_ = sent_;
    connected_ = true;
    last_error_.clear();
    if (connects_ > 1) {
      spdlog::info("bus: reconnected to the broker at {} ({} subscriptions restored)",
                   options_.socket_path.native(), sent_ - 1);
    }
  }
  acked_cv_.notify_all();
}

void UnixSocketBus::link_down(const std::string& reason) {
  {
    core::MutexLock lock(mu_);
    if (!closing_) {
      spdlog::warn("bus: lost the broker at {}: {}; reconnecting", options_.socket_path.native(),
                   reason);
    }
    std::uint64_t lost = 0;
    for (const auto& frame : outq_) lost += frame.publish ? 1 : 0;
    dropped_ += lost;
    outq_.clear();
    connected_ = false;
    last_error_ = reason;
  }
  acked_cv_.notify_all();
}

void UnixSocketBus::link_unreachable(const std::string& error) {
  core::MutexLock lock(mu_);
  last_error_ = error;
}

void UnixSocketBus::take_outbound(std::string& out, std::size_t limit) {
  core::MutexLock lock(mu_);
  while (!outq_.empty() && out.size() < limit) {
    out.append(outq_.front().bytes);
    outq_.pop_front();
  }
}

void UnixSocketBus::on_frame(Frame& frame) {
  switch (frame.verb) {
    case Verb::kEvt: {
      if (frame.args.empty()) return;
      std::string error;
      auto body = decode_body(frame.body, &error);
      if (!body) {
        spdlog::warn("bus: dropping EVT {} from the broker: {}", frame.args, error);
        return;
      }
      subscribers_->deliver(event_from_json(frame.args, *body));
      return;
    }
    case Verb::kOk: {
      {
        core::MutexLock lock(mu_);
        ++acked_;
      }
      acked_cv_.notify_all();
      return;
    }
    default:
      spdlog::debug("bus: ignoring {} from the broker", verb_name(frame.verb));
      return;
  }
}

}  // namespace decnet::bus
