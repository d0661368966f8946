// Fuzzes the ATT&CK lifters with the shipped pack: any bytes that parse as a JSON object become
// the payload of an event of every source kind, as attacker-controlled fields reach them (a
// mail's headers and links, a request's path and body, a login's user name). Tagging must
// never throw or crash whatever the fields' types, and an email tag's evidence never holds a key
// outside the PII-safe set.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "fuzz_support.h"
#include "ttp/event_tagger.h"
#include "ttp/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const decnet::ttp::EventTagger tagger(
      decnet::ttp::load_rule_directory(decnet::ttp::shipped_rule_directory()));
  static const std::set<std::string> kEmailKeys = {
      "body_sha256",      "matched_headers",    "rcpt_domain_set", "attachment_sha256s",
      "rcpt_count",       "matched_kit",        "matched_trigger", "matched_url_host",
      "matched_signals",  "matched_subject_kw", "matched_body_kw", "encoded_byte_count",
      "matched_keywords", "btc_address"};
  auto payload = nlohmann::json::parse(reinterpret_cast<const char*>(data),
                                       reinterpret_cast<const char*>(data) + size, nullptr, false);
  if (!payload.is_object()) return 0;
  for (const char* kind :
       {"command", "http_request", "auth_attempt", "session", "credential", "identity", "intel",
        "email", "fingerprint", "canary_fingerprint", "ipv6_leak"}) {
    decnet::ttp::TagEvent e;
    e.source_kind = kind;
    e.source_id = "fuzz";
    e.attacker_uuid = "a";
    e.payload = payload;
    for (const auto& t : tagger.tag(e, {}, 1)) {
      const auto evidence = nlohmann::json::parse(t.evidence, nullptr, false);
      decnet::fuzz::check(evidence.is_object());
      if (std::string(kind) != "email") continue;
      for (const auto& [key, _] : evidence.items()) decnet::fuzz::check(kEmailKeys.contains(key));
    }
  }
  return 0;
}
