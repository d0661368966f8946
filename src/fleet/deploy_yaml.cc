#include "fleet/deploy_yaml.h"

#include <yaml-cpp/yaml.h>

#include "decky/fleet/deploy_plan.h"

namespace decnet::fleet {
namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw decky::DeployError(where + ": " + why);
}

std::string scalar_text(const YAML::Node& node, const std::string& where) {
  if (node.IsNull()) return "";
  if (node.IsScalar()) {
    const auto& text = node.Scalar();
    if (text.find_first_of("\r\n") != std::string::npos) {
      refuse(where, "a value on several lines has no INI form");
    }
    return text;
  }
  if (node.IsSequence()) {
    std::string joined;
    for (const auto& item : node) {
      if (!item.IsScalar()) refuse(where, "a list may hold plain values only");
      joined += (joined.empty() ? "" : ",") + scalar_text(item, where);
    }
    return joined;
  }
  refuse(where, "expected a value or a list of values");
}

}  // namespace

bool looks_like_yaml(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    auto line = text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    const char c = line[first];
    if (c == '#' || c == ';') continue;
    return c != '[';
  }
  return false;
}

std::string deploy_yaml_to_ini(std::string_view yaml) {
  if (yaml.size() > decky::kMaxDeployIniBytes) throw decky::DeployError("YAML exceeds 512 KiB");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw decky::DeployError("YAML:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) throw decky::DeployError("YAML: expected a mapping of sections");
  std::string ini;
  for (const auto& section : root) {
    const auto name = section.first.as<std::string>();
    if (name.empty() || name.find_first_of("[]\r\n") != std::string::npos) {
      refuse("[" + name + "]", "not a section name");
    }
    if (!section.second.IsMap() && !section.second.IsNull()) {
      refuse("[" + name + "]", "expected a mapping of keys");
    }
    ini += "[" + name + "]\n";
    for (const auto& entry : section.second) {
      const auto key = entry.first.as<std::string>();
      if (key.empty() || key.find_first_of("=\r\n") != std::string::npos) {
        refuse("[" + name + "]", "'" + key + "' is not a key");
      }
      ini.append(key).append(" = ");
      std::string where = "[";
      where.append(name).append("] ").append(key);
      ini.append(scalar_text(entry.second, where)).append("\n");
    }
  }
  return ini;
}

}  // namespace decnet::fleet
