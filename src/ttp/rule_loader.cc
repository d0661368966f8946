#include "ttp/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>

#include "core/text.h"
#include "ttp/lifter.h"
#include "ttp/pattern_matcher.h"

namespace decnet::ttp {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_technique_id(std::string_view s) {
  return s.size() == 5 && s[0] == 'T' && is_digits(s.substr(1));
}

bool is_tactic_id(std::string_view s) {
  return s.size() == 6 && s.substr(0, 2) == "TA" && is_digits(s.substr(2));
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw RuleError(file_, at.IsDefined() ? at.Mark().line + 1 : 0, message);
  }
  [[noreturn]] void fail(int line, const std::string& message) const {
    throw RuleError(file_, line, message);
  }

  std::string text(const YAML::Node& map, const char* key, bool required) const {
    const auto node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) fail(map, std::string("missing ") + key);
      return {};
    }
    if (!node.IsScalar()) fail(node, std::string(key) + " must be text");
    return node.as<std::string>();
  }

  std::vector<std::string> texts(const YAML::Node& map, const char* key, bool required) const {
    const auto node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) fail(map, std::string("missing ") + key);
      return {};
    }
    if (!node.IsSequence()) fail(node, std::string(key) + " must be a list");
    std::vector<std::string> out;
    for (const auto& item : node) {
      if (!item.IsScalar()) fail(item, std::string(key) + " must list text");
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  double number(const YAML::Node& map, const char* key) const {
    const auto node = map[key];
    if (!node.IsDefined() || node.IsNull()) fail(map, std::string("missing ") + key);
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      fail(node, std::string(key) + " must be a number");
    }
  }

 private:
  std::string file_;
};

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const auto text = node.as<std::string>();
      if (node.Tag() != "!") {  // unquoted: a number or boolean when it reads as one
        if (text == "true" || text == "false") return text == "true";
        std::int64_t whole = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return whole;
        try {
          std::size_t used = 0;
          const double value = std::stod(text, &used);
          if (used == text.size()) return value;
        } catch (const std::exception&) {
        }
      }
      return text;
    }
    default:
      return nullptr;
  }
}

}  // namespace

bool is_rule_file_name(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const auto stem = name.substr(0, dot);
  const auto ext = name.substr(dot + 1);
  if (ext != "yaml" && ext != "yml") return false;
  return std::all_of(stem.begin(), stem.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Rule parse_rule(std::string_view yaml_text, const std::string& file) {
  Reader r(file);
  if (yaml_text.size() > kMaxRuleFileBytes) r.fail(0, "rule file larger than 256 KiB");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    r.fail(e.mark.line + 1, e.msg);
  }
  if (!root.IsMap()) r.fail(1, "a rule is a YAML mapping");

  Rule rule;
  rule.rule_id = r.text(root, "rule_id", true);
  if (rule.rule_id.empty()) r.fail(root["rule_id"], "rule_id is empty");
  const auto version = root["rule_version"];
  if (!version.IsDefined()) r.fail(root, "missing rule_version");
  try {
    rule.rule_version = version.as<std::int64_t>();
  } catch (const YAML::Exception&) {
    r.fail(version, "rule_version must be an integer");
  }
  if (rule.rule_version < 1) r.fail(version, "rule_version must be at least 1");
  rule.name = r.text(root, "name", true);
  rule.description = r.text(root, "description", false);
  rule.applies_to = r.texts(root, "applies_to", true);
  if (rule.applies_to.empty()) r.fail(root["applies_to"], "applies_to is empty");
  rule.evidence_fields = r.texts(root, "evidence_fields", false);

  const auto match = root["match"];
  if (!match.IsDefined() || !match.IsMap())
    r.fail(match.IsDefined() ? match : root, "match must be a mapping");
  rule.match = to_json(match);
  const auto kind = r.text(match, "kind", false);
  if (kind.rfind("lifter:", 0) == 0) {
    rule.lifter = kind;
    try {
      make_lifter(kind, rule.match);
    } catch (const LifterParamError& e) {
      r.fail(match[e.param()].IsDefined() ? match[e.param()] : match, e.what());
    } catch (const std::out_of_range&) {
      r.fail(match["kind"], "no lifter named " + kind);
    }
  } else {
    if (!kind.empty()) r.fail(match["kind"], "match.kind must be lifter:<name> or absent");
    rule.pattern = r.text(match, "pattern", true);
    if (const auto error = pattern_error(rule.pattern)) {
      r.fail(match["pattern"], "pattern does not compile: " + *error);
    }
    rule.field = r.text(match, "field", false);
    for (auto& literal : r.texts(match, "literals", false)) {
      if (literal.empty()) r.fail(match["literals"], "an empty literal rules nothing out");
      rule.literals.push_back(core::ascii_lower(std::move(literal)));
    }
  }

  const auto emits = root["emits"];
  if (!emits.IsDefined() || !emits.IsSequence() || emits.size() == 0) {
    r.fail(emits.IsDefined() ? emits : root, "emits must be a non-empty list");
  }
  for (const auto& e : emits) {
    if (!e.IsMap()) r.fail(e, "each emit is a mapping");
    RuleEmit emit;
    emit.tactic = r.text(e, "tactic", true);
    emit.technique_id = r.text(e, "technique_id", true);
    if (!is_tactic_id(emit.tactic)) r.fail(e["tactic"], "tactic must look like TA0006");
    if (!is_technique_id(emit.technique_id))
      r.fail(e["technique_id"], "technique_id must look like T1110");
    if (auto sub = r.text(e, "sub_technique_id", false); !sub.empty()) {
      if (sub.size() != 9 || sub.substr(0, 5) != emit.technique_id || sub[5] != '.' ||
          !is_digits(sub.substr(6))) {
        r.fail(e["sub_technique_id"], "sub_technique_id must be " + emit.technique_id + ".NNN");
      }
      emit.sub_technique_id = std::move(sub);
    }
    emit.confidence = r.number(e, "confidence");
    if (!(emit.confidence >= 0.0 && emit.confidence <= 1.0)) {
      r.fail(e["confidence"], "confidence must be within 0..1");
    }
    rule.emits.push_back(std::move(emit));
  }

  if (const auto fixtures = root["fixtures"]; fixtures.IsDefined() && !fixtures.IsNull()) {
    if (!fixtures.IsMap()) r.fail(fixtures, "fixtures must be a mapping");
    // A text is the pattern's field; a mapping is a whole payload (lifter rules).
    const auto read = [&](const char* key, std::vector<std::string>& texts,
                          std::vector<nlohmann::json>& payloads) {
      const auto list = fixtures[key];
      if (!list.IsDefined() || list.IsNull()) return;
      if (!list.IsSequence()) r.fail(list, std::string(key) + " must be a list");
      for (const auto& item : list) {
        if (item.IsScalar()) {
          texts.push_back(item.as<std::string>());
        } else if (item.IsMap()) {
          payloads.push_back(to_json(item));
        } else {
          r.fail(item, std::string(key) + " lists texts or payload mappings");
        }
      }
    };
    read("fires_on", rule.fires_on, rule.fires_on_payloads);
    read("silent_on", rule.silent_on, rule.silent_on_payloads);
  }
  return rule;
}

std::vector<Rule> load_rule_directory(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec) || !is_rule_file_name(entry.path().filename().string())) {
      continue;
    }
    files.push_back(entry.path());
    if (files.size() > kMaxRuleFiles) throw RuleError(dir.string(), 0, "more than 4096 rule files");
  }
  if (ec) throw RuleError(dir.string(), 0, "cannot read the rule directory: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Rule> rules;
  std::set<std::string> ids;
  for (const auto& path : files) {
    const auto name = path.filename().string();
    std::ifstream in(path, std::ios::binary);
    std::string text;
    text.resize(kMaxRuleFileBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto rule = parse_rule(text, name);
    if (rule.rule_id != path.stem().string()) {
      throw RuleError(name, 0, "rule_id " + rule.rule_id + " does not match the file name");
    }
    if (!ids.insert(rule.rule_id).second) throw RuleError(name, 0, "rule_id declared twice");
    rules.push_back(std::move(rule));
  }
  std::sort(rules.begin(), rules.end(),
            [](const Rule& a, const Rule& b) { return a.rule_id < b.rule_id; });
  return rules;
}

std::filesystem::path shipped_rule_directory() {
  return DECNET_SHIPPED_RULES;
}

std::string default_field(std::string_view source_kind) {
  if (source_kind == "command") return "command_text";
  if (source_kind == "http_request") return "raw_url";
  if (source_kind == "email") return "subject";
  if (source_kind == "intel") return "verdict";
  if (source_kind == "canary_fingerprint") return "ua_signature";
  if (source_kind == "auth_attempt") return "username";
  if (source_kind == "payload") return "payload_text";
  return {};
}

}  // namespace decnet::ttp
