// The settings table, built from settings.def. Adding a line there is all it takes for a setting
// to be read from the environment, .env.local and the INI file, validated at start-up, shown by
// `decnet config show`, listed in the README and given a typed accessor on Config.
#include "core/config.h"

namespace decnet::core {

const std::vector<SettingSpec>& settings_table() {
  static const std::vector<SettingSpec> table = {
#define DECNET_SETTING(accessor, variable, type, default_value, min, max, ini_key, description) \
  {#variable, SettingType::type, default_value, description, {}, min, max, ini_key},
#define DECNET_ENUM_SETTING(accessor, variable, default_value, ini_key, description, ...) \
  {#variable, SettingType::kEnum, default_value, description, {__VA_ARGS__}, 0, 0, ini_key},
#include "core/settings.def"
#undef DECNET_SETTING
#undef DECNET_ENUM_SETTING
  };
  return table;
}

}  // namespace decnet::core
