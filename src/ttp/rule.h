// An ATT&CK rule as loaded from rules/ttp/<rule_id>.yaml: which source kinds it looks at, how
// it matches (a regular expression over one field, or a lifter's predicate named by
// `match.kind: lifter:...` with its parameters), and which techniques it emits at what
// confidence. Each rule file also carries its own fixtures — inputs that must fire it and
// inputs that must not — which the test suite runs against the whole pack.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace decnet::ttp {

struct RuleEmit {
  std::string tactic;                           // e.g. TA0006
  std::string technique_id;                     // the parent technique, e.g. T1110
  std::optional<std::string> sub_technique_id;  // full dotted id, e.g. T1110.001
  double confidence = 0.0;                      // 0..1
};

struct Rule {
  std::string rule_id;
  std::int64_t rule_version = 1;
  std::string name;
  std::string description;
  std::vector<std::string> applies_to;  // source kinds
  // Pattern rules: the field of the payload searched (the kind's default when empty), the
  // regular expression (PCRE2 syntax), and literals at least one of which (case folded) occurs
  // in every text the pattern matches, so most texts are ruled out without running it.
  std::string field;
  std::string pattern;
  std::vector<std::string> literals;
  // Lifter rules: "lifter:<family>_<name>", and the whole `match` mapping as its parameters.
  std::string lifter;
  nlohmann::json match = nlohmann::json::object();
  std::vector<RuleEmit> emits;
  std::vector<std::string> evidence_fields;
  // Fixtures: texts of `field` (pattern rules) or whole payloads (lifter rules) that must fire
  // this rule, and ones that must not.
  std::vector<std::string> fires_on;
  std::vector<std::string> silent_on;
  std::vector<nlohmann::json> fires_on_payloads;
  std::vector<nlohmann::json> silent_on_payloads;

  bool is_lifter() const { return !lifter.empty(); }
};

// A rule file that cannot be used, with where: the file and the line (1-based; 0 when the
// problem is the file as a whole).
class RuleError : public std::runtime_error {
 public:
  RuleError(std::string file, int line, const std::string& message)
      : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message),
        file_(std::move(file)),
        line_(line) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string file_;
  int line_;
};

// The field a pattern rule searches when it names none, by source kind.
std::string default_field(std::string_view source_kind);

}  // namespace decnet::ttp
