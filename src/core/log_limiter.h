// A warning that can repeat once per hostile input or per failing row (a flood of broken frames,
// a full disk met by every attacker's update) is logged at most once per interval, and the next
// one says how many were swallowed since, so a flood cannot turn into a flood of log lines.
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <utility>

#include "core/time.h"

namespace decnet::core {

// At most one message per interval; the next allowed message reports how many were skipped.
class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::milliseconds interval = std::chrono::seconds(1))
      : interval_us_(interval.count() * 1000) {}

  template <typename... Args>
  void warn(spdlog::format_string_t<Args...> format, Args&&... args) {
    log(spdlog::level::warn, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void error(spdlog::format_string_t<Args...> format, Args&&... args) {
    log(spdlog::level::err, format, std::forward<Args>(args)...);
  }

  template <typename... Args>
  void log(spdlog::level::level_enum level, spdlog::format_string_t<Args...> format,
           Args&&... args) {
    const auto now = core::now_micros();
    auto last = last_us_.load(std::memory_order_relaxed);
    if (now - last < interval_us_ || !last_us_.compare_exchange_strong(last, now)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const auto skipped = suppressed_.exchange(0, std::memory_order_relaxed);
    auto text = fmt::format(format, std::forward<Args>(args)...);
    if (skipped > 0) {
      spdlog::log(level, "{} ({} similar messages suppressed)", text, skipped);
    } else {
      spdlog::log(level, "{}", text);
    }
  }

 private:
  std::int64_t interval_us_;
  std::atomic<std::int64_t> last_us_{-(std::int64_t{1} << 62)};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace decnet::core
