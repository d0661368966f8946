#include "bus/event.h"

#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"

namespace decnet::bus {

EventPtr make_event(std::string_view topic, nlohmann::json payload, std::string_view type) {
  auto event = std::make_shared<Event>();
  event->id = core::random_hex_id();
  event->topic = topic;
  event->type = type;
  event->ts = core::now_epoch_seconds();
  event->payload = payload.is_null() ? nlohmann::json::object() : std::move(payload);
  return event;
}

nlohmann::json to_json(const Event& event) {
  return nlohmann::json{{"v", kEnvelopeVersion}, {"id", event.id}, {"topic", event.topic},
                        {"type", event.type},    {"ts", event.ts}, {"payload", event.payload}};
}

std::string to_wire(const Event& event) {
  return core::json_text(to_json(event));
}

EventPtr event_from_json(std::string_view topic, const nlohmann::json& body) {
  auto event = std::make_shared<Event>();
  event->topic = topic;
  const auto field = [&](const char* key) -> const nlohmann::json* {
    if (!body.is_object()) return nullptr;
    auto it = body.find(key);
    return it == body.end() ? nullptr : &*it;
  };
  const auto* id = field("id");
  event->id = (id && id->is_string() && !id->get_ref<const std::string&>().empty())
                  ? id->get<std::string>()
                  : core::random_hex_id();
  const auto* type = field("type");
  if (type && type->is_string()) event->type = type->get<std::string>();
  const auto* ts = field("ts");
  event->ts = (ts && ts->is_number()) ? ts->get<double>() : core::now_epoch_seconds();
  const auto* payload = field("payload");
  event->payload = (payload && payload->is_object()) ? *payload : nlohmann::json::object();
  return event;
}

}  // namespace decnet::bus
