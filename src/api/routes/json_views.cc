// Field names follow the reference's tables where a column exists there, so scripts written
// against it keep working; the differences (embedded JSON, RFC 3339 times) are deliberate.
#include "api/routes/json_views.h"

#include <fmt/format.h>

#include "core/base64.h"
#include "core/time.h"

namespace decnet::api {
namespace {

nlohmann::json list_or_null(const std::vector<std::string>& values) {
  return values.empty() ? nlohmann::json(nullptr) : nlohmann::json(values);
}

nlohmann::json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json time_json(std::int64_t micros_utc) {
  return core::format_rfc3339(micros_utc);
}

nlohmann::json time_json(const std::optional<std::int64_t>& micros_utc) {
  return micros_utc ? time_json(*micros_utc) : nlohmann::json(nullptr);
}

nlohmann::json embedded_json(std::string_view text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return std::string(text);
  return parsed;
}

nlohmann::json embedded_json(const std::optional<std::string>& text) {
  return text ? embedded_json(std::string_view(*text)) : nlohmann::json(nullptr);
}

std::string printable_preview(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  const auto n = std::min(bytes.size(), max_bytes);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  return out;
}

nlohmann::json to_api_json(const store::LogRow& row) {
  return {{"id", row.id},
          {"timestamp", time_json(row.timestamp)},
          {"received_at", time_json(row.received_at)},
          {"timestamp_estimated", row.timestamp_estimated},
          {"timestamp_offset_missing", row.timestamp_offset_missing},
          {"decky", row.decky},
          {"service", row.service},
          {"event_type", row.event_type},
          {"attacker_ip", optional_json(row.attacker_ip)},
          {"attacker_uuid", optional_json(row.attacker_uuid)},
          {"raw_line", row.raw_line},
          {"fields", embedded_json(std::string_view(row.fields))},
          {"msg", optional_json(row.msg)},
          {"sd_other", embedded_json(row.sd_other)}};
}

nlohmann::json to_api_json(const store::HistogramBucket& bucket) {
  return {{"bucket", time_json(bucket.start)}, {"count", bucket.count}};
}

nlohmann::json to_api_json(const store::DeadLetter& row) {
  return {{"id", row.id},
          {"received_at", time_json(row.received_at)},
          {"source", row.source},
          {"peer", optional_json(row.peer)},
          {"reason", row.reason},
          {"raw_b64", core::base64_encode(row.raw)},
          {"raw_preview", printable_preview(row.raw)},
          {"raw_size", row.raw.size()},
          {"raw_truncated", row.raw_truncated}};
}

nlohmann::json to_api_json(const store::Attacker& a) {
  return {{"uuid", a.uuid},
          {"ip", a.ip},
          {"identity_id", optional_json(a.identity_id)},
          {"first_seen", time_json(a.first_seen)},
          {"last_seen", time_json(a.last_seen)},
          {"event_count", a.event_count},
          {"service_count", a.service_count},
          {"decky_count", a.decky_count},
          {"services", a.services},
          {"deckies", a.deckies},
          {"traversal_path", optional_json(a.traversal_path)},
          {"is_traversal", a.is_traversal},
          {"bounty_count", a.bounty_count},
          {"credential_count", a.credential_count},
          {"fingerprints", embedded_json(std::string_view(a.fingerprints))},
          {"commands", embedded_json(std::string_view(a.commands))},
          {"country_code", optional_json(a.country_code)},
          {"country_source", optional_json(a.country_source)},
          {"asn", optional_json(a.asn)},
          {"as_name", optional_json(a.as_name)},
          {"bgp_prefix", optional_json(a.bgp_prefix)},
          {"asn_source", optional_json(a.asn_source)},
          {"rpki_status", optional_json(a.rpki_status)},
          {"rpki_source", optional_json(a.rpki_source)},
          {"ptr_record", optional_json(a.ptr_record)},
          {"rotation_count", a.rotation_count},
          {"last_rotation_at", time_json(a.last_rotation_at)},
          {"verdict", optional_json(a.verdict)},
          {"updated_at", time_json(a.updated_at)},
          {"behavior_class", optional_json(a.behavior_class)},
          {"score", a.score ? nlohmann::json(*a.score) : nlohmann::json(nullptr)}};
}

nlohmann::json to_api_json(const store::TargetActivity& t) {
  return {{"decky", t.decky},
          {"service", t.service},
          {"first_seen", time_json(t.first_seen)},
          {"last_seen", time_json(t.last_seen)},
          {"event_count", t.event_count}};
}

nlohmann::json to_api_json(const store::Credential& c) {
  // secret_b64 is withheld: the printable form is what an operator needs to read, and the
  // hash is what links attempts together.
  return {{"id", c.id},
          {"attacker_ip", optional_json(c.attacker_ip)},
          {"attacker_uuid", optional_json(c.attacker_uuid)},
          {"decky_name", c.decky_name},
          {"service", c.service},
          {"principal", optional_json(c.principal)},
          {"secret_kind", c.secret_kind},
          {"secret_sha256", c.secret_sha256},
          {"secret_printable", optional_json(c.secret_printable)},
          {"outcome", optional_json(c.outcome)},
          {"fields", embedded_json(std::string_view(c.fields))},
          {"truncated", c.truncated},
          {"first_seen", time_json(c.first_seen)},
          {"last_seen", time_json(c.last_seen)},
          {"attempt_count", c.attempt_count}};
}

nlohmann::json to_api_json(const store::CredentialReuse& r) {
  return {{"id", r.id},
          {"secret_sha256", r.secret_sha256},
          {"secret_kind", r.secret_kind},
          {"secret_printable", optional_json(r.secret_printable)},
          {"principal", optional_json(r.principal)},
          {"attacker_uuids", r.attacker_uuids},
          {"attacker_ips", r.attacker_ips},
          {"deckies", r.deckies},
          {"services", r.services},
          {"targets", r.targets},
          {"target_count", r.target_count},
          {"attacker_ip_count", r.attacker_ip_count},
          {"attempt_count", r.attempt_count},
          {"confidence", r.confidence},
          {"first_seen", time_json(r.first_seen)},
          {"last_seen", time_json(r.last_seen)},
          {"updated_at", time_json(r.updated_at)}};
}

nlohmann::json to_api_json(const store::AttackerIntel& intel) {
  auto providers = nlohmann::json::object();
  for (const auto& [name, p] : intel.providers) {
    providers[name] = {{"verdict", optional_json(p.verdict)},
                       {"raw", embedded_json(std::string_view(p.raw))},
                       {"queried_at", time_json(p.queried_at)},
                       {"error", optional_json(p.error)}};
  }
  return {{"uuid", intel.uuid},
          {"attacker_uuid", intel.attacker_uuid},
          {"attacker_ip", intel.attacker_ip},
          {"schema_version", intel.schema_version},
          {"aggregate_verdict", intel.aggregate_verdict},
          {"providers", std::move(providers)},
          {"cached_at", time_json(intel.cached_at)},
          {"expires_at", time_json(intel.expires_at)},
          {"retry_at", time_json(intel.retry_at)}};
}

nlohmann::json to_api_json(const store::SmtpTarget& t) {
  return {{"domain", t.domain},
          {"count", t.count},
          {"first_seen", time_json(t.first_seen)},
          {"last_seen", time_json(t.last_seen)}};
}

nlohmann::json to_api_json(const store::FingerprintState& f) {
  return {{"uuid", f.uuid},
          {"port", f.port},
          {"probe_type", f.probe_type},
          {"last_hash", f.last_hash},
          {"last_seen", time_json(f.last_seen)},
          {"rotation_count", f.rotation_count}};
}

nlohmann::json to_api_json(const store::User& u) {
  // Never the password hash.
  return {{"uuid", u.uuid},
          {"username", u.username},
          {"role", u.role},
          {"must_change_password", u.must_change_password},
          {"tokens_valid_from", time_json(u.tokens_valid_from)},
          {"created_at", time_json(u.created_at)},
          {"updated_at", time_json(u.updated_at)}};
}

nlohmann::json to_api_json(const store::Session& s) {
  auto commands = nlohmann::json::array();
  for (const auto& c : s.commands) {
    commands.push_back({{"command", c.command}, {"ts", time_json(c.ts)}});
  }
  const auto end = s.ended_at.value_or(s.last_event_at);
  return {{"uuid", s.uuid},
          {"attacker_uuid", s.attacker_uuid},
          {"attacker_ip", s.attacker_ip},
          {"decky", s.decky},
          {"service", s.service},
          {"session_id", s.session_id ? nlohmann::json(*s.session_id) : nullptr},
          {"started_at", time_json(s.started_at)},
          {"last_event_at", time_json(s.last_event_at)},
          {"ended_at", time_json(s.ended_at)},
          {"duration_s", static_cast<double>(end - s.started_at) / 1e6},
          {"open", !s.ended_at.has_value()},
          {"end_reason", s.end_reason ? nlohmann::json(*s.end_reason) : nullptr},
          {"outcome", store::to_string(s.outcome)},
          {"event_count", s.event_count},
          {"auth_attempts", s.auth_attempts},
          {"bytes", s.bytes},
          {"command_count", s.command_count},
          {"commands", std::move(commands)},
          {"has_recording", s.recording.has_value()}};
}

nlohmann::json to_api_json(const store::AttackerBehaviour& b) {
  const auto number = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"behavior_class", b.behavior_class},
          {"score", b.score},
          {"reasons", embedded_json(std::string_view(b.reasons))},
          {"timing", embedded_json(std::string_view(b.timing))},
          {"beacon_interval_s", number(b.beacon_interval_s)},
          {"beacon_jitter_pct", number(b.beacon_jitter_pct)},
          {"phases", embedded_json(std::string_view(b.phases))},
          {"tools", embedded_json(std::string_view(b.tools))},
          {"updated_at", time_json(b.updated_at)}};
}

nlohmann::json to_api_json(const store::Identity& i) {
  return {{"uuid", i.uuid},
          {"schema_version", i.schema_version},
          {"campaign_id", i.campaign_id ? nlohmann::json(*i.campaign_id) : nullptr},
          {"first_seen_at", time_json(i.first_seen_at)},
          {"last_seen_at", time_json(i.last_seen_at)},
          {"created_at", time_json(i.created_at)},
          {"updated_at", time_json(i.updated_at)},
          {"confidence", i.confidence ? nlohmann::json(*i.confidence) : nullptr},
          {"observation_count", i.observation_count},
          {"ja3_hashes", list_or_null(i.ja3_hashes)},
          {"hassh_hashes", list_or_null(i.hassh_hashes)},
          {"ja4h_hashes", list_or_null(i.ja4h_hashes)},
          {"ja4_quic_hashes", list_or_null(i.ja4_quic_hashes)},
          {"tls_cert_sha256", list_or_null(i.tls_cert_sha256)},
          {"payload_hashes", list_or_null(i.payload_simhashes)},
          {"c2_endpoints", list_or_null(i.c2_endpoints)},
          {"kd_digraph_simhash", i.kd_digraph_simhash
                                     ? nlohmann::json(fmt::format("{:016x}", *i.kd_digraph_simhash))
                                     : nullptr},
          {"merged_into_uuid", i.merged_into_uuid ? nlohmann::json(*i.merged_into_uuid) : nullptr},
          {"notes", i.notes ? nlohmann::json(*i.notes) : nullptr}};
}

nlohmann::json to_api_json(const store::Campaign& c) {
  return {{"uuid", c.uuid},
          {"schema_version", c.schema_version},
          {"first_seen_at", time_json(c.first_seen_at)},
          {"last_seen_at", time_json(c.last_seen_at)},
          {"created_at", time_json(c.created_at)},
          {"updated_at", time_json(c.updated_at)},
          {"confidence", c.confidence ? nlohmann::json(*c.confidence) : nullptr},
          {"identity_count", c.identity_count},
          {"merged_into_uuid", optional_json(c.merged_into_uuid)},
          {"notes", optional_json(c.notes)}};
}

}  // namespace decnet::api
