// One thing an attacker did, as the tagger sees it: its kind (command, http_request,
// auth_attempt, session, credential, intel, email, fingerprint, canary_fingerprint, identity,
// ipv6_leak), an id unique within the kind (a tag's uuid is derived from it, so the same event
// tagged twice writes nothing new), the anchors a tag is filed under, and the fields the rules
// read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace decnet::ttp {

struct TagEvent {
  std::string source_kind;
  std::string source_id;
  std::optional<std::string> attacker_uuid;  // at least one of attacker_uuid, identity_uuid
  std::optional<std::string> identity_uuid;
  std::optional<std::string> session_id;
  std::optional<std::string> decky_id;
  nlohmann::json payload = nlohmann::json::object();
  std::int64_t at = 0;  // when it happened, microseconds UTC; 0: when tagged
};

// Where producers that are not on the bus (ingest's committed lines) hand events to the tagger.
// submit() never blocks the caller.
class TagSink {
 public:
  virtual ~TagSink() = default;
  virtual void submit(std::vector<TagEvent> events) = 0;
};

}  // namespace decnet::ttp
