#include "bus/mailbox.h"

#include <spdlog/spdlog.h>

namespace decnet::bus {
namespace {

constexpr int kSpinChecks = 64;

SubscribeOptions normalised(SubscribeOptions options) {
  if (options.queue_capacity == 0) options.queue_capacity = 1;
  return options;
}

}  // namespace

Mailbox::Mailbox(std::string pattern, Handler handler, SubscribeOptions options)
    : pattern_(std::move(pattern)),
      handler_(std::move(handler)),
      options_(normalised(std::move(options))) {}

std::shared_ptr<Mailbox> Mailbox::start(std::string pattern, Handler handler,
                                        SubscribeOptions options) {
  std::shared_ptr<Mailbox> box(
      new Mailbox(std::move(pattern), std::move(handler), std::move(options)));
  box->thread_ = std::thread([self = box] { self->run(); });
  return box;
}

Mailbox::~Mailbox() {
  if (!thread_.joinable()) return;
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // the last reference was dropped by the delivery thread itself
  } else {
    thread_.join();
  }
}

bool Mailbox::push(EventPtr event) {
  bool kept = true;
  bool wake = false;
  {
    core::MutexLock lock(mu_);
    if (stopping_.load(std::memory_order_relaxed)) return false;
    if (queue_.size() >= options_.queue_capacity) {
      kept = false;
      dropped_.fetch_add(1, std::memory_order_relaxed);
      if (options_.overflow == Overflow::kDropNewest) return false;
      queue_.pop_front();
    }
    queue_.push_back(std::move(event));
    queued_.store(queue_.size(), std::memory_order_relaxed);
    // Only the push that finds the consumer asleep pays for the wake-up.
    wake = waiting_;
    waiting_ = false;
  }
  if (wake) ready_.notify_one();
  return kept;
}

void Mailbox::stop() {
  {
    core::MutexLock lock(mu_);
    stopping_.store(true, std::memory_order_relaxed);
  }
  ready_.notify_one();
  // From inside the handler the loop ends as soon as the handler returns; anywhere else wait
  // for it, so no handler runs after stop() returns.
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

SubscriberStats Mailbox::stats() const {
  SubscriberStats s;
  s.name = options_.name.empty() ? pattern_ : options_.name;
  s.pattern = pattern_;
  s.capacity = options_.queue_capacity;
  s.delivered = delivered_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  core::MutexLock lock(mu_);
  s.queued = queue_.size();
  return s;
}

void Mailbox::run() {
  std::deque<EventPtr> batch;
  while (true) {
    // Under a steady stream the next event is usually microseconds away: look a few times
    // before sleeping, so a busy subscriber drains in batches instead of one wake-up per event.
    for (int spin = 0; spin < kSpinChecks && queued_.load(std::memory_order_relaxed) == 0 &&
                       !stopping_.load(std::memory_order_relaxed);
         ++spin) {
      std::this_thread::yield();
    }
    {
      core::MutexLock lock(mu_);
      if (queue_.empty() && !stopping_.load(std::memory_order_relaxed)) {
        waiting_ = true;
        ready_.wait(lock.native(), [&] {
          mu_.assert_held();
          return stopping_.load(std::memory_order_relaxed) || !queue_.empty();
        });
        waiting_ = false;
      }
      if (stopping_.load(std::memory_order_relaxed)) return;
      batch.swap(queue_);
      queued_.store(0, std::memory_order_relaxed);
    }
    for (auto& event : batch) {
      if (stopping_.load(std::memory_order_relaxed)) return;
      try {
        handler_(*event);
      } catch (const std::exception& e) {
        spdlog::error("bus subscriber '{}' failed on {}: {}", pattern_, event->topic, e.what());
      }
      delivered_.fetch_add(1, std::memory_order_relaxed);
    }
    batch.clear();
  }
}

}  // namespace decnet::bus
