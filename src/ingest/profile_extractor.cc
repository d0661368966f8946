#include "ingest/profile_extractor.h"

#include <algorithm>
#include <charconv>

#include "core/base64.h"
#include "store/session_repository.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxIdBytes = 128;
constexpr std::size_t kMaxAgentBytes = 256;

const std::string* first_field(const NormalizedEvent& e,
                               std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    const auto* value = e.field(name);
    if (value && !value->empty()) return value;
  }
  return nullptr;
}

std::string bounded(std::string_view text, std::size_t limit) {
  return std::string(text.substr(0, limit));
}

bool iequals_prefix(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  }
  return true;
}

std::int64_t non_negative_integer(const std::string* text) {
  if (!text) return -1;
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  return ec == std::errc() && end == text->data() + text->size() && value >= 0 ? value : -1;
}

std::optional<double> seconds(const std::string* text) {
  if (!text) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || !(value >= 0)) return std::nullopt;
  return value;
}

// The prober's fingerprints of the attacker's own servers, and the JA3 of a client hello the
// attacker sent (a sniffer or TLS service line carrying `ja3`, with `ja3_string` when known) or
// the HASSH of its SSH client (`hassh`, with `hassh_algorithms`).
void take_fingerprint(const NormalizedEvent& e, correlate::ProfileEvent& p) {
  p.probe = e.service == "prober";
  const std::string* hash = nullptr;
  const std::string* text = nullptr;
  if (e.event_type == "jarm_fingerprint") {
    p.fingerprint_kind = "jarm";
    hash = e.field("jarm_hash");
  } else if (e.event_type == "hassh_fingerprint") {
    p.fingerprint_kind = "hassh";
    hash = e.field("hassh_server");
    text = e.field("hassh_algorithms");
  } else if (!p.probe && (hash = e.field("ja3")) != nullptr) {
    p.fingerprint_kind = "ja3";
    text = e.field("ja3_string");
  } else if (!p.probe && (hash = e.field("hassh")) != nullptr) {
    p.fingerprint_kind = "hassh";  // an SSH client's, as a decky's ssh service reports it
    text = e.field("hassh_algorithms");
  }
  if (!hash || hash->empty()) {
    p.fingerprint_kind.clear();
    return;
  }
  p.fingerprint = bounded(*hash, correlate::kMaxFingerprintBytes);
  if (text) p.fingerprint_text = bounded(*text, correlate::kMaxFingerprintTextBytes);
}

}  // namespace

std::string user_agent_in(std::string_view headers) {
  constexpr std::string_view kName = "user-agent";
  for (std::size_t i = 0; i + kName.size() + 2 < headers.size(); ++i) {
    const char quote = headers[i];
    if ((quote != '"' && quote != '\'') || !iequals_prefix(headers, i + 1, kName) ||
        headers[i + 1 + kName.size()] != quote) {
      continue;
    }
    auto at = i + 2 + kName.size();
    while (at < headers.size() && (headers[at] == ' ' || headers[at] == ':')) ++at;
    if (at >= headers.size() || (headers[at] != '"' && headers[at] != '\'')) return {};
    const char open = headers[at++];
    std::string value;
    while (at < headers.size() && headers[at] != open && value.size() < kMaxAgentBytes) {
      if (headers[at] == '\\' && at + 1 < headers.size()) ++at;
      value.push_back(headers[at++]);
    }
    return value;
  }
  return {};
}

std::optional<correlate::ProfileEvent> profile_event_of(const NormalizedEvent& e,
                                                        std::int64_t received_at,
                                                        bool carried_credential) {
  if (!e.attacker_ip) return std::nullopt;
  correlate::ProfileEvent p;
  p.ts = e.timestamp;
  p.received_at = received_at;
  p.attacker_ip = *e.attacker_ip;
  p.decky = e.decky;
  p.service = e.service;
  p.event_type = e.event_type;
  if (const auto* id = first_field(e, {"sid", "session_id", "session"})) {
    p.session_id = bounded(*id, kMaxIdBytes);
  }
  if (correlate::is_command_event(e.event_type)) {
    if (const auto* c = first_field(e, {"command", "query", "input", "line", "sql", "cmd"})) {
      p.command = bounded(*c, store::kMaxSessionCommandBytes);
    }
  }
  if (const auto* headers = e.field("headers")) p.user_agent = user_agent_in(*headers);
  if (p.user_agent.empty()) {
    if (const auto* agent = first_field(e, {"user_agent", "useragent"})) {
      p.user_agent = bounded(*agent, kMaxAgentBytes);
    }
  }
  if (const auto* banner = first_field(e, {"client_banner", "client_version", "ssh_banner"})) {
    p.client_banner = bounded(*banner, kMaxAgentBytes);
  }
  p.auth_attempt = carried_credential;
  const auto* outcome = e.field("outcome");
  p.auth_success = e.event_type == "login_success" || e.event_type == "auth_success" ||
                   (outcome && (*outcome == "success" || *outcome == "succeeded"));
  p.bytes = non_negative_integer(first_field(e, {"bytes", "body_bytes", "size"}));
  if (e.event_type == correlate::kRecordingChunkEvent) {
    const auto seq = non_negative_integer(e.field("seq"));
    const auto* data = e.field("data_b64");
    auto bytes = data ? core::base64_decode(*data) : std::nullopt;
    if (seq >= 0 && bytes && bytes->size() <= correlate::kMaxRecordingChunkBytes) {
      p.recording_seq = seq;
      p.recording_data = std::move(*bytes);
      const auto* last = e.field("last");
      p.recording_last = last && (*last == "true" || *last == "True" || *last == "1");
    }
  }
  take_fingerprint(e, p);
  if (e.event_type == "session_recorded" || e.event_type == correlate::kRecordingChunkEvent) {
    p.duration_s = seconds(e.field("duration_s"));
    if (const auto* service = e.field("service"); service && !service->empty()) {
      p.service = bounded(*service, 48);
    }
  }
  return p;
}

}  // namespace decnet::ingest
