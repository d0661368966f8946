// Configuration. Every setting is declared once, in settings.def: its accessor, DECNET_* name,
// type, default, allowed values and description. Code reads a setting through its generated,
// typed accessor (`config.api_port()`), so a misspelt name does not compile. Values come from, in
// order of precedence: the process environment, `.env.local` in the working directory, the INI file
// (/etc/decnet/decnet.ini or $DECNET_CONFIG), then the default. Every value is validated when
// the configuration is loaded, so a bad value stops start-up with a message naming the
// variable, the value and what is allowed, instead of surfacing later as a strange failure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::core {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class SettingType { kString, kInt, kPort, kBool, kEnum, kPath, kSecret, kDouble };

struct SettingSpec {
  std::string_view name;
  SettingType type;
  std::string_view default_value;
  std::string_view description;
  std::vector<std::string_view> choices = {};  // kEnum only
  double min = 0;                              // kInt / kDouble bounds, inclusive,
  double max = 0;                              // unchecked when min == max
  std::string_view ini_key = {};               // "section.key"; empty = not settable from INI
};

// The one table of settings.
const std::vector<SettingSpec>& settings_table();
const SettingSpec* find_setting(std::string_view name);
std::string_view type_name(SettingType type);

enum class SettingSource { kDefault, kIni, kEnvFile, kEnvironment, kOverride };
std::string_view source_name(SettingSource source);

struct SettingValue {
  std::string raw;
  SettingSource source = SettingSource::kDefault;
  std::string origin;  // file path for kIni / kEnvFile
};

struct ConfigSources {
  // Reads the process environment; replaceable in tests.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::filesystem::path env_file = ".env.local";
  // Empty: $DECNET_CONFIG if set, else /etc/decnet/decnet.ini. Missing files are skipped.
  std::filesystem::path ini_file;
  // Highest precedence, e.g. command-line flags.
  std::map<std::string, std::string> overrides;
  // INI sections another reader owns (a decky's "service" sections): their keys are not
  // reported as unknown.
  std::vector<std::string> foreign_ini_sections;
};

// What each type of setting reads as.
template <SettingType T>
struct SettingRead;
template <>
struct SettingRead<SettingType::kString> {
  using type = const std::string&;
};
template <>
struct SettingRead<SettingType::kSecret> {
  using type = const std::string&;
};
template <>
struct SettingRead<SettingType::kEnum> {
  using type = const std::string&;
};
template <>
struct SettingRead<SettingType::kInt> {
  using type = std::int64_t;
};
template <>
struct SettingRead<SettingType::kPort> {
  using type = std::uint16_t;
};
template <>
struct SettingRead<SettingType::kBool> {
  using type = bool;
};
template <>
struct SettingRead<SettingType::kPath> {
  using type = std::filesystem::path;
};
template <>
struct SettingRead<SettingType::kDouble> {
  using type = double;
};

class Config {
 public:
  // Throws ConfigError for an invalid value or an unreadable file.
  static Config load(const ConfigSources& sources = {});
  // Defaults only, plus the given overrides (validated).
  static Config with(const std::map<std::string, std::string>& overrides);

  // One typed accessor per setting: `std::uint16_t api_port() const`, and so on.
#define DECNET_SETTING(accessor, variable, kind, ...)     \
  SettingRead<SettingType::kind>::type accessor() const { \
    return read<SettingType::kind>(#variable);            \
  }
#define DECNET_ENUM_SETTING(accessor, variable, ...) \
  const std::string& accessor() const {              \
    return str(#variable);                           \
  }
#include "core/settings.def"
#undef DECNET_SETTING
#undef DECNET_ENUM_SETTING

  // The raw value and where it came from, by name (for listing every setting).
  const SettingValue& value(std::string_view name) const;

  // Non-fatal findings while loading (unknown INI keys, secrets in the INI file).
  const std::vector<std::string>& warnings() const {
    return warnings_;
  }

  // The INI file this configuration read (or would have read: a missing file is skipped).
  const std::filesystem::path& ini_file() const {
    return ini_file_;
  }

  // For display: the value, or a mask for secrets.
  std::string display_value(std::string_view name) const;

 private:
  Config() = default;
  const std::string& str(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  double number(std::string_view name) const;
  bool flag(std::string_view name) const;
  std::filesystem::path path(std::string_view name) const;
  template <SettingType T>
  typename SettingRead<T>::type read(std::string_view name) const {
    if constexpr (T == SettingType::kInt) {
      return integer(name);
    } else if constexpr (T == SettingType::kPort) {
      return static_cast<std::uint16_t>(integer(name));
    } else if constexpr (T == SettingType::kBool) {
      return flag(name);
    } else if constexpr (T == SettingType::kPath) {
      return path(name);
    } else if constexpr (T == SettingType::kDouble) {
      return number(name);
    } else {
      return str(name);
    }
  }
  void set(const SettingSpec& spec, std::string raw, SettingSource source, std::string origin);

  std::map<std::string, SettingValue, std::less<>> values_;
  std::vector<std::string> warnings_;
  std::filesystem::path ini_file_;
};

// Validates a raw value against a spec; returns the error message or nullopt.
std::optional<std::string> validate_setting(const SettingSpec& spec, std::string_view raw);

// Markdown table of all settings (name, default, description); the README embeds it and a test
// checks the two agree.
std::string settings_markdown_table();

}  // namespace decnet::core
