#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "core/config_files.h"

namespace decnet::core {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> parse_bool(std::string_view raw) {
  const auto v = lower(raw);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view raw) {
  std::int64_t value = 0;
  const auto* end = raw.data() + raw.size();
  auto [ptr, ec] = std::from_chars(raw.data(), end, value);
  if (ec != std::errc() || ptr != end || raw.empty()) return std::nullopt;
  return value;
}

std::optional<double> parse_double(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  std::string copy(raw);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::string format_bound(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::optional<std::string> default_getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): start-up only
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace

std::string_view type_name(SettingType type) {
  switch (type) {
    case SettingType::kString:
      return "string";
    case SettingType::kInt:
      return "integer";
    case SettingType::kPort:
      return "port";
    case SettingType::kBool:
      return "boolean";
    case SettingType::kEnum:
      return "enum";
    case SettingType::kPath:
      return "path";
    case SettingType::kSecret:
      return "secret";
    case SettingType::kDouble:
      return "number";
  }
  return "string";
}

std::string_view source_name(SettingSource source) {
  switch (source) {
    case SettingSource::kDefault:
      return "default";
    case SettingSource::kIni:
      return "ini";
    case SettingSource::kEnvFile:
      return "env-file";
    case SettingSource::kEnvironment:
      return "environment";
    case SettingSource::kOverride:
      return "command line";
  }
  return "default";
}

const SettingSpec* find_setting(std::string_view name) {
  for (const auto& spec : settings_table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::optional<std::string> validate_setting(const SettingSpec& spec, std::string_view raw) {
  const auto bounded = [&](double v) -> std::optional<std::string> {
    if (spec.min != spec.max && (v < spec.min || v > spec.max)) {
      return "must be between " + format_bound(spec.min) + " and " + format_bound(spec.max);
    }
    return std::nullopt;
  };
  switch (spec.type) {
    case SettingType::kString:
    case SettingType::kPath:
    case SettingType::kSecret:
      if (raw.find('\0') != std::string_view::npos) return "must not contain NUL bytes";
      return std::nullopt;
    case SettingType::kBool:
      if (!parse_bool(raw)) return "must be true or false (also 1/0, yes/no, on/off)";
      return std::nullopt;
    case SettingType::kInt: {
      auto v = parse_int(raw);
      if (!v) return "must be an integer";
      return bounded(static_cast<double>(*v));
    }
    case SettingType::kDouble: {
      auto v = parse_double(raw);
      if (!v) return "must be a number";
      return bounded(*v);
    }
    case SettingType::kPort: {
      auto v = parse_int(raw);
      if (!v || *v < 1 || *v > 65535) return "must be a port number between 1 and 65535";
      return std::nullopt;
    }
    case SettingType::kEnum: {
      const auto v = lower(raw);
      if (std::find(spec.choices.begin(), spec.choices.end(), v) != spec.choices.end()) {
        return std::nullopt;
      }
      std::string allowed;
      for (auto c : spec.choices) allowed += (allowed.empty() ? "" : ", ") + std::string(c);
      return "must be one of: " + allowed;
    }
  }
  return std::nullopt;
}

void Config::set(const SettingSpec& spec, std::string raw, SettingSource source,
                 std::string origin) {
  if (auto error = validate_setting(spec, raw)) {
    const bool secret = spec.type == SettingType::kSecret;
    std::string where(source_name(source));
    if (!origin.empty()) where += " " + origin;
    throw ConfigError(std::string(spec.name) + "=" + (secret ? "<secret>" : "'" + raw + "'") +
                      " (from " + where + ") " + *error);
  }
  if (spec.type == SettingType::kEnum) raw = lower(raw);
  values_[std::string(spec.name)] = SettingValue{std::move(raw), source, std::move(origin)};
}

Config Config::load(const ConfigSources& sources) {
  Config config;
  const auto getenv = sources.getenv ? sources.getenv : default_getenv;
  for (const auto& spec : settings_table()) {
    config.set(spec, std::string(spec.default_value), SettingSource::kDefault, {});
  }

  std::filesystem::path ini = sources.ini_file;
  if (ini.empty()) {
    ini = getenv("DECNET_CONFIG").value_or("/etc/decnet/decnet.ini");
  }
  config.ini_file_ = ini;
  for (const auto& entry : read_ini_file(ini)) {
    const SettingSpec* match = nullptr;
    for (const auto& spec : settings_table()) {
      if (!spec.ini_key.empty() && spec.ini_key == entry.key) match = &spec;
    }
    const std::string where = ini.string() + ":" + std::to_string(entry.line);
    const bool foreign = std::any_of(
        sources.foreign_ini_sections.begin(), sources.foreign_ini_sections.end(),
        [&](const std::string& section) { return entry.key.rfind(section + ".", 0) == 0; });
    if (!match && foreign) continue;
    if (!match) {
      config.warnings_.push_back(where + ": unknown key '" + entry.key + "' ignored");
      continue;
    }
    config.set(*match, entry.value, SettingSource::kIni, where);
  }

  for (const auto& entry : read_env_file(sources.env_file)) {
    const auto* spec = find_setting(entry.key);
    const std::string where = sources.env_file.string() + ":" + std::to_string(entry.line);
    if (!spec) {
      if (entry.key.rfind("DECNET_", 0) == 0) {
        config.warnings_.push_back(where + ": unknown setting " + entry.key + " ignored");
      }
      continue;
    }
    config.set(*spec, entry.value, SettingSource::kEnvFile, where);
  }

  for (const auto& spec : settings_table()) {
    if (auto v = getenv(std::string(spec.name))) {
      config.set(spec, *v, SettingSource::kEnvironment, {});
    }
  }

  for (const auto& [name, value] : sources.overrides) {
    const auto* spec = find_setting(name);
    if (!spec) throw ConfigError("unknown setting " + name);
    config.set(*spec, value, SettingSource::kOverride, {});
  }
  return config;
}

Config Config::with(const std::map<std::string, std::string>& overrides) {
  ConfigSources sources;
  sources.getenv = [](const std::string&) { return std::nullopt; };
  sources.env_file = "/nonexistent/.env.local";
  sources.ini_file = "/nonexistent/decnet.ini";
  sources.overrides = overrides;
  return load(sources);
}

const SettingValue& Config::value(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("unknown setting " + std::string(name));
  return it->second;
}

const std::string& Config::str(std::string_view name) const {
  return value(name).raw;
}

std::int64_t Config::integer(std::string_view name) const {
  return parse_int(value(name).raw).value_or(0);
}

double Config::number(std::string_view name) const {
  return parse_double(value(name).raw).value_or(0);
}

bool Config::flag(std::string_view name) const {
  return parse_bool(value(name).raw).value_or(false);
}

std::filesystem::path Config::path(std::string_view name) const {
  return value(name).raw;
}

std::string Config::display_value(std::string_view name) const {
  const auto* spec = find_setting(name);
  const auto& v = value(name);
  if (spec && spec->type == SettingType::kSecret) return v.raw.empty() ? "(unset)" : "********";
  return v.raw;
}

std::string settings_markdown_table() {
  std::string out = "| Variable | Type | Default | Description |\n|---|---|---|---|\n";
  for (const auto& spec : settings_table()) {
    std::string type(type_name(spec.type));
    if (spec.type == SettingType::kEnum) {
      type.clear();
      for (auto c : spec.choices) type += (type.empty() ? "" : " \\| ") + std::string(c);
    }
    const std::string def =
        spec.default_value.empty() ? "" : "`" + std::string(spec.default_value) + "`";
    out += "| `";
    out += spec.name;
    out += "` | ";
    out += type;
    out += " | ";
    out += def;
    out += " | ";
    out += spec.description;
    out += " |\n";
  }
  return out;
}

}  // namespace decnet::core
