#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/json_text.h"
#include "core/time.h"

namespace decnet::core {
namespace {

// Writes each record as one JSON object; the message is escaped by the JSON serializer, so a
// log line can never break the framing whatever an attacker put in it.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    nlohmann::json line = {
        {"ts", format_rfc3339(micros)},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    const auto text = json_text(line);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void init_logging(std::string_view format, std::string_view level) {
  auto logger = spdlog::get("decnet");
  if (!logger) logger = spdlog::stderr_logger_mt("decnet");
  spdlog::set_default_logger(logger);
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%f%z %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
}

void init_logging(const Config& config) {
  init_logging(config.log_format(), config.log_level());
}

}  // namespace decnet::core
