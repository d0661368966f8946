// The bus envelope. Every message on every transport (in-process, UNIX socket, NATS) is one
// of these: {v, id, topic, type, ts, payload}. The field names and the 32-character hex id are
// the reference wire format, so existing subscribers and webhook receivers keep working.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace decnet::bus {

inline constexpr int kEnvelopeVersion = 1;

struct Event {
  std::string id;     // uuid4 as 32 lowercase hex characters
  std::string topic;  // dot-separated, NATS-style
  std::string type;   // short discriminator, may be empty
  double ts = 0;      // epoch seconds
  nlohmann::json payload = nlohmann::json::object();
};

// Events are immutable once published and shared by every subscriber that receives them.
using EventPtr = std::shared_ptr<const Event>;

// Builds an event with a fresh id and the current time.
EventPtr make_event(std::string_view topic, nlohmann::json payload, std::string_view type);

nlohmann::json to_json(const Event& event);
std::string to_wire(const Event& event);  // compact JSON of to_json()

// Rebuilds an event received from a transport. The topic always comes from the transport
// (frame header, NATS subject), never from the body, so a body cannot spoof its topic.
// Missing fields get defaults (payload {}, type "", ts now, a fresh id).
EventPtr event_from_json(std::string_view topic, const nlohmann::json& body);

}  // namespace decnet::bus
