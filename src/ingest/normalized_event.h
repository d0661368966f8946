// An event as DECNET understands it, whatever shape the line had: which decky and service,
// what happened, who did it, and the emitter's parameters. This is what the writer stores in
// `logs` and what credential, attacker and SMTP extraction read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace decnet::ingest {

struct NormalizedEvent {
  std::int64_t timestamp = 0;  // microseconds UTC; the receive time when the line had none
  bool timestamp_estimated = false;
  bool timestamp_offset_missing = false;   // the line's time had no UTC offset; read as UTC
  std::string decky;                       // HOSTNAME ("-" when NILVALUE)
  std::string service;                     // APP-NAME
  std::string event_type;                  // MSGID, or "command" for bash CMD lines
  std::optional<std::string> attacker_ip;  // canonical text form; never "Unknown"
  std::optional<std::uint16_t> attacker_port;
  // relay@55555 parameters in line order (duplicate names: last one wins, kept once).
  std::vector<std::pair<std::string, std::string>> fields;
  std::string msg;
  std::optional<std::string> sd_other;  // JSON object {sd-id: {name: value}} of other elements

  const std::string* field(std::string_view name) const {
    for (const auto& [k, v] : fields) {
      if (k == name) return &v;
    }
    return nullptr;
  }
};

}  // namespace decnet::ingest
