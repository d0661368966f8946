// Attackers as a STIX 2.1 bundle, for threat-intel platforms (OpenCTI, MISP, a TIP's STIX
// importer). Per attacker: its address (ipv4-addr / ipv6-addr) seen in an observed-data and
// pointed at by an indicator; an intrusion-set per identity (or per lone attacker) that the
// indicator `indicates` and that `uses` an attack-pattern per ATT&CK technique it was tagged
// with (external id and page from MITRE); a sighting per tag, sighted by the DECNET identity;
// file indicators for the hashes of files it dropped, domain-name observations of the mail
// domains it targeted, and a note with the intel verdict.
//
// Ids are deterministic (UUIDv5): exporting the same facts twice gives the same objects, so an
// importer updates rather than duplicates. Cyber-observable ids follow the STIX 2.1 rule (the
// STIX namespace over the object's id-contributing properties as JSON).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "ttp/attack_catalog.h"
#include "ttp/attacker_export.h"

namespace decnet::ttp {

// The DECNET organisation identity that authors every object: identity--<uuid5>.
std::string decnet_identity_id();

nlohmann::json stix_bundle(const std::vector<AttackerExport>& attackers,
                           const AttackCatalog& catalog, std::int64_t now);

}  // namespace decnet::ttp
