// A subscriber's bounded queue plus the thread that runs its handler. Every transport feeds
// events into Mailboxes, so ordering, overflow and accounting are the same everywhere:
// events are handled in the order they were pushed, the pusher never blocks, and overflow
// follows the subscriber's policy and is counted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "bus/bus.h"
#include "core/thread_annotations.h"

namespace decnet::bus {

class Mailbox : public std::enable_shared_from_this<Mailbox> {
 public:
  // The delivery thread holds a reference, so a handler may drop the last outside reference
  // to its own mailbox (unsubscribing from inside the handler) without pulling the object
  // out from under itself.
  static std::shared_ptr<Mailbox> start(std::string pattern, Handler handler,
                                        SubscribeOptions options);
  ~Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Queues the event; returns false when it (or an older one) had to be dropped.
  bool push(EventPtr event);

  // Stops the delivery thread. Waits for a running handler unless called from that handler.
  void stop();

  SubscriberStats stats() const;
  const std::string& pattern() const { return pattern_; }

 private:
  Mailbox(std::string pattern, Handler handler, SubscribeOptions options);
  void run();

  const std::string pattern_;
  const Handler handler_;
  const SubscribeOptions options_;

  mutable core::Mutex mu_;
  std::condition_variable ready_;
  std::deque<EventPtr> queue_ GUARDED_BY(mu_);
  std::atomic<bool> stopping_{false};
  bool waiting_ GUARDED_BY(mu_) = false;  // the delivery thread sleeps on ready_
  std::atomic<std::size_t> queued_{0};    // queue_.size(), readable without the lock
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace decnet::bus
