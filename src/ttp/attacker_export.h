// What DECNET knows of one attacker, gathered for an export to other tools (a STIX 2.1 bundle, a
// MISP event): where it came from, how long and how much it was seen, the ATT&CK tags it earned,
// the files it dropped and the mail domains it targeted, and the intel verdict on its address.
// The exporters are pure: they turn this into JSON and read nothing else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/ttp_repository.h"

namespace decnet::ttp {

struct AttackerExport {
  std::string uuid;
  std::string ip;
  std::optional<std::string> identity_uuid;
  std::int64_t first_seen = 0;  // microseconds UTC
  std::int64_t last_seen = 0;
  std::int64_t event_count = 0;
  std::optional<std::string> country_code;
  std::optional<std::int64_t> asn;
  std::optional<std::string> as_name;
  std::vector<store::TtpTag> tags;        // newest first, bounded by the caller
  std::vector<std::string> file_sha256s;  // lowercase hex
  std::vector<std::string> smtp_domains;
  std::vector<std::string> commands;         // distinct command lines, bounded by the caller
  std::optional<std::string> intel_verdict;  // malicious | suspicious | benign | unknown
};

}  // namespace decnet::ttp
