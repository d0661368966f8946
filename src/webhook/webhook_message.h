// What a receiver gets: the body and the headers that sign it.
//
// Body: compact JSON with keys sorted at every level and raw UTF-8, exactly
// {"id","payload","topic","ts","type","v":1} for one event (the reference's shape, so existing
// receivers keep working); a subscription that batches sends {"count","events":[...],"id",
// "topic":"batch","ts","type":"batch","v":1} with each event in the single-event shape.
//
// Signatures, both HMAC-SHA256 with the subscription's secret, lowercase hex:
//   X-DECNET-Signature:    sha256=<mac of the body>                 (reference-compatible)
//   X-DECNET-Signature-V2: t=<unix seconds>,sha256=<mac of "<t>.<body>">
// The second covers the timestamp, so a receiver that also checks that t is recent rejects a
// captured request replayed later. Body, id and timestamp stay the same across retries.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bus/event.h"

namespace decnet::webhook {

inline constexpr std::string_view kUserAgent = "decnet-webhook/1.0";

struct WebhookMessage {
  std::string id;     // event id (or batch id)
  std::string topic;  // event topic, "batch" for a batch
  std::string body;
};

// One event, in the single-event body shape.
WebhookMessage event_message(const bus::Event& event);
// Several events in one body; `events` must not be empty.
WebhookMessage batch_message(const std::vector<bus::EventPtr>& events);

// Every header of the request: content type, user agent, event id and topic, timestamp and both
// signatures.
std::map<std::string, std::string> signed_headers(const WebhookMessage& message,
                                                  const std::string& secret,
                                                  std::int64_t unix_seconds);

}  // namespace decnet::webhook
