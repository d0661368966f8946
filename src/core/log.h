// Process-wide logging on spdlog: human text by default, JSON lines (one object per line with
// ts, level, logger, msg) when DECNET_LOG_FORMAT=json so log shippers need no parsing rules.
#pragma once

#include <string_view>

namespace decnet::core {

class Config;

// Sets the default logger's format and level from the configuration.
void init_logging(const Config& config);
void init_logging(std::string_view format, std::string_view level);

}  // namespace decnet::core
