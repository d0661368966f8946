// Loading rules: what a rule file must hold, how a bad one is reported (file and line), which
// file names are rules at all, and that a directory with one bad rule loads nothing.
#include "ttp/rule_loader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests_support.h"

namespace decnet::ttp {
namespace {

constexpr const char* kGood = R"(rule_id: R9001
rule_version: 2
name: test_rule
applies_to: [command]
match:
  pattern: '(?i)\bwhoami\b'
  literals: [WhoAmI]
emits:
  - {tactic: TA0007, technique_id: T1033, confidence: 0.7}
  - {tactic: TA0004, technique_id: T1548, sub_technique_id: T1548.003, confidence: 0.5}
evidence_fields: [command_text]
last_reviewed: 2026-11-01
)";

// The line of the first error, or -1 when the text parses.
int error_line(const std::string& text, std::string* message = nullptr) {
  try {
    parse_rule(text, "R9001.yaml");
    return -1;
  } catch (const RuleError& e) {
    if (message) *message = e.what();
    EXPECT_EQ(e.file(), "R9001.yaml");
    return e.line();
  }
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(RuleLoader, ReadsEveryField) {
  const auto rule = parse_rule(kGood, "R9001.yaml");
  EXPECT_EQ(rule.rule_id, "R9001");
  EXPECT_EQ(rule.rule_version, 2);
  EXPECT_EQ(rule.applies_to, std::vector<std::string>{"command"});
  EXPECT_EQ(rule.pattern, R"((?i)\bwhoami\b)");
  EXPECT_EQ(rule.literals, std::vector<std::string>{"whoami"});  // case folded
  ASSERT_EQ(rule.emits.size(), 2u);
  EXPECT_FALSE(rule.emits[0].sub_technique_id);
  EXPECT_EQ(rule.emits[1].sub_technique_id, "T1548.003");
  EXPECT_DOUBLE_EQ(rule.emits[1].confidence, 0.5);
  EXPECT_FALSE(rule.is_lifter());
}

TEST(RuleLoader, LifterRulesKeepTheirParameters) {
  const auto rule = parse_rule(R"(rule_id: R9002
rule_version: 1
name: brute
applies_to: [auth_attempt]
match: {kind: 'lifter:credential_brute_force', fail_threshold: 5, window_minutes: 5}
emits: [{tactic: TA0006, technique_id: T1110, confidence: 0.85}]
fixtures:
  fires_on:
    - {fail_count: 7}
)",
                               "R9002.yaml");
  EXPECT_TRUE(rule.is_lifter());
  EXPECT_EQ(rule.lifter, "lifter:credential_brute_force");
  EXPECT_EQ(rule.match["fail_threshold"], 5);
  ASSERT_EQ(rule.fires_on_payloads.size(), 1u);
  EXPECT_EQ(rule.fires_on_payloads[0]["fail_count"], 7);
}

// A lifter that does not exist, or a parameter it cannot use, is refused at load with the line:
// no rule is ever loaded that nothing could fire.
TEST(RuleLoader, UnknownLiftersAndBadParametersAreRefused) {
  const auto load = [](const std::string& match) -> std::string {
    try {
      parse_rule("rule_id: R9003\nrule_version: 1\nname: x\napplies_to: [auth_attempt]\nmatch:\n" +
                     match + "emits: [{tactic: TA0006, technique_id: T1110, confidence: 0.5}]\n",
                 "R9003.yaml");
    } catch (const RuleError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(load("  kind: 'lifter:c2_fingerprint_typo'\n").find("R9003.yaml:6: no lifter named"),
            std::string::npos);
  EXPECT_NE(load("  kind: 'lifter:credential_brute_force'\n  fail_threshold: many\n")
                .find("R9003.yaml:7: fail_threshold: must be a number"),
            std::string::npos);
  EXPECT_NE(load("  kind: 'lifter:behavioral_path_fetch'\n  paths: ['(unclosed']\n")
                .find("does not compile"),
            std::string::npos);
  EXPECT_NE(load("  kind: 'lifter:credential_default_pair'\n  pairs: [[root]]\n")
                .find("each pair is [user, password]"),
            std::string::npos);
}

TEST(RuleLoader, BadRulesNameTheirLine) {
  std::string message;
  EXPECT_EQ(error_line(replaced(kGood, "confidence: 0.7", "confidence: 1.7"), &message), 9);
  EXPECT_NE(message.find("R9001.yaml:9"), std::string::npos) << message;
  EXPECT_NE(message.find("confidence"), std::string::npos) << message;
  EXPECT_EQ(error_line(replaced(kGood, "'(?i)\\bwhoami\\b'", "'(unclosed'"), &message), 6);
  EXPECT_NE(message.find("pattern does not compile"), std::string::npos) << message;
  EXPECT_EQ(error_line(replaced(kGood, "technique_id: T1033", "technique_id: 1033")), 9);
  EXPECT_EQ(
      error_line(replaced(kGood, "sub_technique_id: T1548.003", "sub_technique_id: T1110.001")),
      10);
  EXPECT_EQ(error_line(replaced(kGood, "rule_version: 2", "rule_version: two")), 2);
  EXPECT_EQ(error_line(replaced(kGood, "  - {tactic: TA0007", "  - {tactik: TA0007")), 9);
  EXPECT_EQ(error_line(replaced(kGood, "applies_to: [command]\n", "")), 1);  // missing: the map
  EXPECT_EQ(error_line(replaced(kGood, "  literals: [WhoAmI]", "  literals: ['']")), 7);
  EXPECT_EQ(error_line(replaced(kGood, "match:\n  pattern", "match:\n  kind: regex\n  pattern")),
            6);
  // Not YAML at all, or not a mapping.
  EXPECT_EQ(error_line("rule_id: [unclosed\nname: x\n"), 2);
  EXPECT_EQ(error_line("- just\n- a list\n"), 1);
}

TEST(RuleLoader, OnlyPlainYamlNamesAreRules) {
  for (const char* name : {"R0001.yaml", "T1078.yaml", "x.yml", "rule_2.yaml"}) {
    EXPECT_TRUE(is_rule_file_name(name)) << name;
  }
  for (const char* name : {".x.yaml.swp", ".x.yaml.swo", "x.yaml~", ".x.yaml.bak", "4913", ".foo",
                           "x.yaml.tmp", "x.txt", ".yaml", "a-b.yaml", "a b.yaml"}) {
    EXPECT_FALSE(is_rule_file_name(name)) << name;
  }
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(RuleLoader, ADirectoryLoadsWholeOrNotAtAll) {
  testing::TempDir dir;
  write(dir / "R9001.yaml", kGood);
  write(dir / ".R9001.yaml.swp", "garbage: [");
  write(dir / "notes.txt", "not a rule");
  auto rules = load_rule_directory(dir.path());
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].rule_id, "R9001");

  // One bad rule: nothing loads, and the error names it.
  write(dir / "R9003.yaml",
        replaced(replaced(kGood, "R9001", "R9003"), "confidence: 0.5", "confidence:"));
  try {
    rules = load_rule_directory(dir.path());
    FAIL() << "a directory with a bad rule loaded " << rules.size() << " rules";
  } catch (const RuleError& e) {
    EXPECT_EQ(e.file(), "R9003.yaml");
    EXPECT_EQ(e.line(), 10);
  }
  // A rule whose id is not its file's name is refused (rule state is kept by id).
  std::filesystem::remove(dir / "R9003.yaml");
  write(dir / "R9004.yaml", kGood);
  EXPECT_THROW(load_rule_directory(dir.path()), RuleError);
}

}  // namespace
}  // namespace decnet::ttp
