#include "api/routes/stream_hub.h"

#include <algorithm>

namespace decnet::api {

StreamHub::StreamHub(bus::Bus& bus, Options options) : options_(options) {
  subscription_ = bus.subscribe(">", [this](const bus::Event& e) { on_event(e); },
                                {.name = "api-stream", .queue_capacity = 65536});
}

StreamHub::~StreamHub() {
  subscription_.unsubscribe();
  core::MutexLock lock(mu_);
  for (auto& c : clients_) c->stream->close();
}

bool StreamHub::wants(const Client& c, const std::string& topic) {
  return std::any_of(c.patterns.begin(), c.patterns.end(),
                     [&](const bus::Pattern& p) { return p.matches(topic); });
}

void StreamHub::on_event(const bus::Event& event) {
  const auto data = bus::to_wire(event);
  core::MutexLock lock(mu_);
  const auto seq = next_seq_++;
  ring_.push_back({seq, event.topic, data});
  if (ring_.size() > options_.ring_size) ring_.pop_front();
  const auto id = std::to_string(seq);
  std::erase_if(clients_, [&](const std::shared_ptr<Client>& c) {
    mu_.assert_held();
    if (!c->stream->is_open()) return true;
    if (!wants(*c, event.topic)) return false;
    if (c->stream->send(id, event.topic, data)) return false;
    ++dropped_;
    return true;
  });
}

StreamHub::OpenResult StreamHub::open(const Principal& principal,
                                      std::vector<bus::Pattern> patterns,
                                      const std::shared_ptr<EventStream>& stream,
                                      std::optional<std::uint64_t> last_event_id) {
  auto client = std::make_shared<Client>(Client{principal, std::move(patterns), stream});
  core::MutexLock lock(mu_);
  std::erase_if(clients_, [](const auto& c) { return !c->stream->is_open(); });
  const auto mine = std::count_if(clients_.begin(), clients_.end(), [&](const auto& c) {
    return c->principal.user_uuid == principal.user_uuid;
  });
  if (static_cast<std::size_t>(mine) >= options_.max_streams_per_user) return OpenResult::kTooMany;
  if (last_event_id) {
    for (const auto& stored : ring_) {
      if (stored.seq <= *last_event_id || !wants(*client, stored.topic)) continue;
      if (!stream->send(std::to_string(stored.seq), stored.topic, stored.data)) break;
    }
  }
  clients_.push_back(std::move(client));
  return OpenResult::kOpened;
}

std::size_t StreamHub::revalidate_user(const std::string& user_uuid, const Validity& still_valid) {
  return revalidate(&user_uuid, still_valid);
}

std::size_t StreamHub::revalidate_all(const Validity& still_valid) {
  return revalidate(nullptr, still_valid);
}

std::size_t StreamHub::revalidate(const std::string* user_uuid, const Validity& still_valid) {
  std::vector<std::shared_ptr<Client>> checked;
  {
    core::MutexLock lock(mu_);
    for (const auto& c : clients_) {
      if (!user_uuid || c->principal.user_uuid == *user_uuid) checked.push_back(c);
    }
  }
  std::size_t closed = 0;
  for (const auto& c : checked) {
    if (!c->stream->is_open() || still_valid(c->principal)) continue;
    c->stream->close();
    ++closed;
  }
  if (closed > 0) {
    core::MutexLock lock(mu_);
    std::erase_if(clients_, [](const auto& c) { return !c->stream->is_open(); });
  }
  return closed;
}

std::size_t StreamHub::clients() const {
  core::MutexLock lock(mu_);
  return clients_.size();
}

std::uint64_t StreamHub::dropped() const {
  core::MutexLock lock(mu_);
  return dropped_;
}

}  // namespace decnet::api
