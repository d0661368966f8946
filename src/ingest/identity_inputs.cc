#include "ingest/identity_inputs.h"

#include <cctype>

#include "correlate/profile_event.h"
#include "identity/infrastructure.h"
#include "ingest/ingest_batch.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxCommandBytes = 4096;

// Lowercase hex of exactly `digits` characters, or nothing.
std::optional<std::string> hex_of(const std::string* text, std::size_t digits) {
  if (!text || text->size() != digits) return std::nullopt;
  std::string out(*text);
  for (auto& c : out) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

const std::string* first_field(const NormalizedEvent& e, std::initializer_list<const char*> names) {
  for (const auto* name : names) {
    if (const auto* v = e.field(name); v && !v->empty()) return v;
  }
  return nullptr;
}

}  // namespace

void collect_identity_evidence(const NormalizedEvent& e, IngestBatch& batch) {
  if (!e.attacker_ip) return;
  const auto add = [&](identity::EvidenceKind kind, std::string value) {
    batch.identity_inputs.push_back({*e.attacker_ip, {{}, kind, std::move(value), e.timestamp}});
  };
  const bool prober = e.service == "prober";
  if (prober) {
    if (e.event_type == "hassh_fingerprint") {
      if (auto h = hex_of(e.field("hassh_server"), 32)) add(identity::EvidenceKind::kHassh, *h);
    }
    return;
  }
  if (auto j = hex_of(e.field("ja3"), 32)) add(identity::EvidenceKind::kJa3, *j);
  // An SSH client's HASSH (a decky's `hassh`) is not identity evidence: every user of a stock
  // OpenSSH shares it, and the graph's HASSH edge is a strong one meant for the attacker's own
  // server key exchange, which the prober reports.
  if (e.event_type == "file_captured") {
    if (auto sha = hex_of(e.field("sha256"), 64)) add(identity::EvidenceKind::kPayload, *sha);
  }
  if (correlate::is_command_event(e.event_type)) {
    if (const auto* c = first_field(e, {"command", "input", "line", "cmd"})) {
      const std::string_view command(c->data(), std::min(c->size(), kMaxCommandBytes));
      for (auto endpoint : identity::endpoints_in_command(command)) {
        add(identity::EvidenceKind::kC2, std::move(endpoint));
      }
    }
  }
}

}  // namespace decnet::ingest
