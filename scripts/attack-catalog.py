#!/usr/bin/env python3
"""Regenerates rules/attack/enterprise-attack.json from MITRE's STIX 2.1 bundle.

usage: scripts/attack-catalog.py ENTERPRISE_ATTACK_JSON RULES_DIR > rules/attack/enterprise-attack.json

Keeps what DECNET needs and nothing more: the ATT&CK version of the bundle, every tactic, and
for each technique or sub-technique the rules of RULES_DIR emit (and the parents of those
sub-techniques) its name, tactics, page and the groups that use it. Revoked and deprecated
objects are left out. Standard library only.
"""
import json
import re
import sys
from pathlib import Path


def attack_id(obj):
    for ref in obj.get("external_references", []):
        if ref.get("source_name") == "mitre-attack" and ref.get("external_id"):
            return ref["external_id"], ref.get("url", "")
    return None, ""


def live(obj):
    return not obj.get("revoked") and not obj.get("x_mitre_deprecated")


def emitted_ids(rules_dir):
    ids = set()
    for path in sorted(Path(rules_dir).glob("*.y*ml")):
        for match in re.finditer(r"\b(?:technique_id|sub_technique_id):\s*['\"]?(T\d{4}(?:\.\d{3})?)",
                                 path.read_text(encoding="utf-8")):
            ids.add(match.group(1))
    ids |= {i.split(".")[0] for i in ids}
    return ids


def main(bundle_path, rules_dir):
    objects = json.loads(Path(bundle_path).read_text(encoding="utf-8")).get("objects", [])
    version = ""
    for obj in objects:
        if obj.get("type") == "x-mitre-collection":
            version = obj.get("x_mitre_version", "")
    wanted = emitted_ids(rules_dir)
    tactics, techniques, patterns, groups = {}, {}, {}, {}
    for obj in objects:
        if not live(obj):
            continue
        ext, url = attack_id(obj)
        if obj.get("type") == "x-mitre-tactic" and ext:
            tactics[ext] = {"name": obj["name"], "shortname": obj.get("x_mitre_shortname", ""), "url": url}
        elif obj.get("type") == "attack-pattern" and ext in wanted:
            phases = [p["phase_name"] for p in obj.get("kill_chain_phases", [])
                      if p.get("kill_chain_name") == "mitre-attack"]
            techniques[ext] = {"name": obj["name"], "tactics": phases, "url": url, "groups": []}
            patterns[obj["id"]] = ext
        elif obj.get("type") == "intrusion-set" and ext:
            groups[obj["id"]] = {"group_id": ext, "name": obj["name"],
                                 "aliases": [a for a in obj.get("aliases", []) if a != obj["name"]],
                                 "url": url}
    for obj in objects:
        if (obj.get("type") == "relationship" and obj.get("relationship_type") == "uses" and live(obj)
                and obj.get("source_ref") in groups and obj.get("target_ref") in patterns):
            techniques[patterns[obj["target_ref"]]]["groups"].append(groups[obj["source_ref"]])
    for t in techniques.values():
        t["groups"].sort(key=lambda g: g["group_id"])
    missing = sorted(wanted - techniques.keys())
    if missing:
        print("attack-catalog: not in the bundle: " + ", ".join(missing), file=sys.stderr)
        return 1
    out = {"attack_version": version, "domain": "enterprise-attack",
           "source": "names, tactics and pages of the techniques rules/ttp emits; "
                     "scripts/attack-catalog.py regenerates this file from enterprise-attack.json",
           "tactics": dict(sorted(tactics.items())), "techniques": dict(sorted(techniques.items()))}
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
