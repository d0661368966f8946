#include "ttp/attack_catalog.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace decnet::ttp {
namespace {

constexpr std::size_t kMaxCatalogBytes = std::size_t{16} << 20;

std::vector<std::string> strings(const nlohmann::json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& v : list) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::filesystem::path AttackCatalog::shipped_path() {
  return DECNET_SHIPPED_CATALOG;
}

const AttackCatalog& AttackCatalog::shipped() {
  static const AttackCatalog catalog = [] {
    try {
      return load(shipped_path());
    } catch (const std::exception&) {
      return AttackCatalog();
    }
  }();
  return catalog;
}

AttackCatalog AttackCatalog::load(const std::filesystem::path& file) {
  const auto fail = [&](const std::string& why) {
    return std::runtime_error(file.string() + ": " + why);
  };
  std::ifstream in(file, std::ios::binary);
  if (!in) throw fail("cannot be read");
  std::string text(kMaxCatalogBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxCatalogBytes) throw fail("larger than 16 MiB");
  const auto root = nlohmann::json::parse(text, nullptr, false);
  if (!root.is_object() || !root.contains("techniques") || !root["techniques"].is_object()) {
    throw fail("not an ATT&CK catalogue (no techniques)");
  }
  AttackCatalog c;
  c.version_ = root.value("attack_version", "");
  if (c.version_.empty()) throw fail("no attack_version");
  for (const auto& [id, t] : root["techniques"].items()) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) {
      throw fail("technique " + id + " has no name");
    }
    AttackTechnique technique{id,
                              t["name"].get<std::string>(),
                              strings(t.value("tactics", nlohmann::json())),
                              t.value("url", ""),
                              {}};
    for (const auto& g : t.value("groups", nlohmann::json::array())) {
      if (!g.is_object()) continue;
      technique.groups.push_back({g.value("group_id", ""), g.value("name", ""),
                                  strings(g.value("aliases", nlohmann::json())),
                                  g.value("url", "")});
    }
    c.techniques_.emplace(id, std::move(technique));
  }
  if (root.contains("tactics") && root["tactics"].is_object()) {
    for (const auto& [id, t] : root["tactics"].items()) {
      if (t.is_object() && t.contains("name") && t["name"].is_string()) {
        c.tactic_names_.emplace(id, t["name"].get<std::string>());
      }
    }
  }
  return c;
}

const AttackTechnique* AttackCatalog::technique(std::string_view id) const {
  const auto it = techniques_.find(id);
  return it == techniques_.end() ? nullptr : &it->second;
}

std::optional<std::string> AttackCatalog::technique_name(std::string_view id) const {
  const auto* t = technique(id);
  if (!t) return std::nullopt;
  return t->name;
}

std::optional<std::string> AttackCatalog::tactic_name(std::string_view tactic_id) const {
  const auto it = tactic_names_.find(tactic_id);
  if (it == tactic_names_.end()) return std::nullopt;
  return it->second;
}

}  // namespace decnet::ttp
