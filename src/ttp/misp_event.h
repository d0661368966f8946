// Attackers as MISP events (the MISP core format: an Event with its Attributes, Tags and
// Galaxy clusters), for the MISP instances most SOCs share indicators through. The address is
// an ip-src attribute for IDS, dropped files sha256 attributes, targeted mail domains domain
// attributes, and each ATT&CK technique a mitre-attack-pattern galaxy cluster and tag (the
// form MISP's own ATT&CK galaxy uses: "<name> - <id>").
#pragma once

#include <nlohmann/json.hpp>

#include "ttp/attack_catalog.h"
#include "ttp/attacker_export.h"

namespace decnet::ttp {

// {"Event": {...}} for one attacker. Its uuid is derived from the attacker's.
nlohmann::json misp_event(const AttackerExport& attacker, const AttackCatalog& catalog,
                          std::int64_t now);

}  // namespace decnet::ttp
