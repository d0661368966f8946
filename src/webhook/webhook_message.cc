#include "webhook/webhook_message.h"

#include <cmath>

#include "core/hash.h"
#include "core/json_text.h"
#include "core/time.h"
#include "core/uuid.h"

namespace decnet::webhook {
namespace {

using Json = nlohmann::json;  // std::map objects: keys come out sorted at every level

Json event_object(const bus::Event& e) {
  const auto micros = static_cast<std::int64_t>(std::llround(e.ts * 1e6));
  return {{"id", e.id},       {"payload", e.payload.is_object() ? e.payload : Json::object()},
          {"topic", e.topic}, {"ts", core::format_iso_utc_offset(micros)},
          {"type", e.type},   {"v", 1}};
}

}  // namespace

WebhookMessage event_message(const bus::Event& event) {
  auto object = event_object(event);
  if (event.id.empty()) object["id"] = core::Uuid::v4().hex();
  return {object["id"].get<std::string>(), event.topic, core::json_text(object)};
}

WebhookMessage batch_message(const std::vector<bus::EventPtr>& events) {
  Json list = Json::array();
  for (const auto& e : events) list.push_back(event_object(*e));
  const auto id = core::Uuid::v4().hex();
  const Json object = {{"count", events.size()},
                       {"events", std::move(list)},
                       {"id", id},
                       {"topic", "batch"},
                       {"ts", core::format_iso_utc_offset(core::now_micros())},
                       {"type", "batch"},
                       {"v", 1}};
  return {id, "batch", core::json_text(object)};
}

std::map<std::string, std::string> signed_headers(const WebhookMessage& message,
                                                  const std::string& secret,
                                                  std::int64_t unix_seconds) {
  const auto t = std::to_string(unix_seconds);
  return {{"Content-Type", "application/json"},
          {"User-Agent", std::string(kUserAgent)},
          {"X-DECNET-Event-Id", message.id},
          {"X-DECNET-Event-Topic", message.topic},
          {"X-DECNET-Timestamp", t},
          {"X-DECNET-Signature", "sha256=" + core::hmac_sha256_hex(secret, message.body)},
          {"X-DECNET-Signature-V2",
           "t=" + t + ",sha256=" + core::hmac_sha256_hex(secret, t + "." + message.body)}};
}

}  // namespace decnet::webhook
