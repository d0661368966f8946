#include "bus/subscriber_set.h"

#include <algorithm>

namespace decnet::bus {
namespace {

class EntryHandle final : public Subscription::Impl {
 public:
  EntryHandle(std::uint64_t id, std::string pattern, std::shared_ptr<Mailbox> mailbox,
              std::function<void(const std::string&)> on_cancel,
              std::function<void(std::uint64_t)> remove)
      : id_(id),
        pattern_(std::move(pattern)),
        mailbox_(std::move(mailbox)),
        on_cancel_(std::move(on_cancel)),
        remove_(std::move(remove)) {}

  void cancel() override {
    remove_(id_);
    mailbox_->stop();
    if (on_cancel_) on_cancel_(pattern_);
  }

  SubscriberStats stats() const override { return mailbox_->stats(); }

 private:
  std::uint64_t id_;
  std::string pattern_;
  std::shared_ptr<Mailbox> mailbox_;
  std::function<void(const std::string&)> on_cancel_;
  std::function<void(std::uint64_t)> remove_;
};

}  // namespace

Subscription SubscriberSet::add(std::string_view pattern, Handler handler, SubscribeOptions options,
                                std::function<void(const std::string&)> on_cancel) {
  Pattern compiled(pattern);  // throws BusError before anything is started
  auto mailbox = Mailbox::start(std::string(pattern), std::move(handler), std::move(options));
  std::uint64_t id;
  {
    core::MutexLock lock(mu_);
    id = next_id_++;
    auto next = std::make_shared<std::vector<Entry>>(*entries_);
    next->push_back(Entry{id, std::move(compiled), mailbox});
    entries_ = std::move(next);
  }
  std::weak_ptr<SubscriberSet> weak = weak_from_this();
  return Subscription(std::make_shared<EntryHandle>(id, std::string(pattern), std::move(mailbox),
                                                    std::move(on_cancel),
                                                    [weak](std::uint64_t entry_id) {
                                                      if (auto set = weak.lock())
                                                        set->remove(entry_id);
                                                    }));
}

void SubscriberSet::remove(std::uint64_t id) {
  core::MutexLock lock(mu_);
  auto next = std::make_shared<std::vector<Entry>>();
  next->reserve(entries_->size());
  for (const auto& entry : *entries_) {
    if (entry.id != id) next->push_back(entry);
  }
  entries_ = std::move(next);
}

std::size_t SubscriberSet::deliver(const EventPtr& event) const {
  std::shared_ptr<const std::vector<Entry>> snapshot;
  {
    core::MutexLock lock(mu_);
    snapshot = entries_;
  }
  std::size_t count = 0;
  for (const auto& entry : *snapshot) {
    if (entry.pattern.matches(event->topic)) {
      entry.mailbox->push(event);
      ++count;
    }
  }
  return count;
}

std::vector<std::string> SubscriberSet::patterns() const {
  core::MutexLock lock(mu_);
  std::vector<std::string> out;
  for (const auto& entry : *entries_) {
    if (std::find(out.begin(), out.end(), entry.pattern.text()) == out.end()) {
      out.push_back(entry.pattern.text());
    }
  }
  return out;
}

bool SubscriberSet::has_pattern(const std::string& pattern) const {
  core::MutexLock lock(mu_);
  return std::any_of(entries_->begin(), entries_->end(),
                     [&](const Entry& e) { return e.pattern.text() == pattern; });
}

std::vector<SubscriberStats> SubscriberSet::stats() const {
  std::shared_ptr<const std::vector<Entry>> snapshot;
  {
    core::MutexLock lock(mu_);
    snapshot = entries_;
  }
  std::vector<SubscriberStats> out;
  out.reserve(snapshot->size());
  for (const auto& entry : *snapshot) out.push_back(entry.mailbox->stats());
  return out;
}

void SubscriberSet::clear() {
  std::shared_ptr<const std::vector<Entry>> old;
  {
    core::MutexLock lock(mu_);
    old = std::exchange(entries_, std::make_shared<std::vector<Entry>>());
  }
  for (const auto& entry : *old) entry.mailbox->stop();
}

}  // namespace decnet::bus
