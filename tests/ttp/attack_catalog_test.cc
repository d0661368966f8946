// The ATT&CK catalogue: the shipped one names every technique, sub-technique and tactic the
// pack emits, and scripts/attack-catalog.py rebuilds it from a STIX bundle in MITRE's format
// (a small one here), keeping only what the rules emit, without revoked objects, with groups.
#include "ttp/attack_catalog.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

const std::filesystem::path kSource(DECNET_SOURCE_DIR);

TEST(AttackCatalog, TheShippedOneNamesEverythingThePackEmits) {
  const auto catalog = AttackCatalog::load(AttackCatalog::shipped_path());
  EXPECT_EQ(catalog.version(), "15.1");
  for (const auto& rule : load_rule_directory(shipped_rule_directory())) {
    for (const auto& e : rule.emits) {
      SCOPED_TRACE(rule.rule_id);
      EXPECT_TRUE(catalog.technique_name(e.technique_id)) << e.technique_id;
      if (e.sub_technique_id) {
        EXPECT_TRUE(catalog.technique_name(*e.sub_technique_id)) << *e.sub_technique_id;
      }
      EXPECT_TRUE(catalog.tactic_name(e.tactic)) << e.tactic;
    }
  }
  EXPECT_EQ(catalog.technique_name("T1059.004"), "Unix Shell");
  EXPECT_EQ(catalog.tactic_name("TA0007"), "Discovery");
  EXPECT_FALSE(catalog.technique_name("T9999"));
}

TEST(AttackCatalog, TheScriptRebuildsItFromAStixBundle) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "rules");
  std::ofstream(dir / "rules" / "R1.yaml")
      << "rule_id: R1\nemits:\n"
         "  - {tactic: TA0002, technique_id: T1059, sub_technique_id: T1059.004, confidence: 0.9}\n"
         "  - {tactic: TA0006, technique_id: T1110, confidence: 0.5}\n";
  const auto script = (kSource / "scripts" / "attack-catalog.py").string();
  const auto bundle =
      (kSource / "tests" / "ttp" / "fixtures" / "mini-enterprise-attack.json").string();
  const auto r = testing::run_command({"python3", script, bundle, (dir / "rules").string()});
  ASSERT_EQ(r.status, 0) << r.output;
  std::ofstream(dir / "catalog.json") << r.output;
  const auto catalog = AttackCatalog::load(dir / "catalog.json");
  EXPECT_EQ(catalog.version(), "15.1");
  EXPECT_EQ(catalog.size(), 3u);  // T1059 (parent of the emitted sub), T1059.004, T1110
  EXPECT_EQ(catalog.technique_name("T1110"), "Brute Force");  // not the revoked one
  EXPECT_FALSE(catalog.technique("T1199"));                   // not emitted
  const auto* brute = catalog.technique("T1110");
  ASSERT_TRUE(brute);
  ASSERT_EQ(brute->groups.size(), 1u);
  EXPECT_EQ(brute->groups[0].group_id, "G0007");
  EXPECT_EQ(brute->groups[0].aliases, (std::vector<std::string>{"Fancy Bear", "Sofacy"}));
  EXPECT_EQ(brute->tactics, std::vector<std::string>{"credential-access"});
  EXPECT_TRUE(catalog.technique("T1059")->groups.empty());  // its only use is revoked
  EXPECT_EQ(catalog.tactic_name("TA0006"), "Credential Access");

  // A rule emitting what the bundle does not know: the script says which and fails.
  std::ofstream(dir / "rules" / "R2.yaml")
      << "rule_id: R2\nemits: [{tactic: TA0002, technique_id: T1234, confidence: 0.5}]\n";
  const auto missing = testing::run_command({"python3", script, bundle, (dir / "rules").string()});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output.find("T1234"), std::string::npos) << missing.output;
}

TEST(AttackCatalog, AFileThatIsNotACatalogueIsRefusedByName) {
  testing::TempDir dir;
  std::ofstream(dir / "bad.json") << R"({"attack_version": "15.1"})";
  try {
    AttackCatalog::load(dir / "bad.json");
    FAIL() << "loaded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
  }
  EXPECT_THROW(AttackCatalog::load(dir / "absent.json"), std::runtime_error);
}

}  // namespace
}  // namespace decnet::ttp
