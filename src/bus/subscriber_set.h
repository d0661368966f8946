// The set of local subscriptions of one bus instance, and fan-out of an event to the ones whose
// pattern matches. Shared by every transport: the in-process bus fans out published events, the
// remote clients fan out what their broker delivers.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "bus/bus.h"
#include "bus/mailbox.h"
#include "bus/matcher.h"
#include "core/thread_annotations.h"

namespace decnet::bus {

class SubscriberSet : public std::enable_shared_from_this<SubscriberSet> {
 public:
  struct Entry {
    std::uint64_t id;
    Pattern pattern;
    std::shared_ptr<Mailbox> mailbox;
  };

  // Compiles the pattern (throws BusError) and starts the mailbox. `on_cancel` runs after the
  // entry is removed, e.g. to UNSUB at a broker when no other entry uses the pattern.
  Subscription add(std::string_view pattern, Handler handler, SubscribeOptions options,
                   std::function<void(const std::string& pattern)> on_cancel = {});

  // Delivers to every matching entry; returns how many received it.
  std::size_t deliver(const EventPtr& event) const;

  // Distinct patterns currently subscribed, for re-subscribing after a reconnect.
  std::vector<std::string> patterns() const;
  bool has_pattern(const std::string& pattern) const;

  std::vector<SubscriberStats> stats() const;

  // Stops every mailbox and forgets all entries.
  void clear();

 private:
  void remove(std::uint64_t id);

  mutable core::Mutex mu_;
  // Copy-on-write: deliver() takes a snapshot pointer and fans out without holding the lock.
  std::shared_ptr<const std::vector<Entry>> entries_ GUARDED_BY(mu_) =
      std::make_shared<std::vector<Entry>>();
  std::uint64_t next_id_ GUARDED_BY(mu_) = 1;
};

}  // namespace decnet::bus
