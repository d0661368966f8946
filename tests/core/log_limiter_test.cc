#include "core/log_limiter.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>

namespace decnet::core {
namespace {

// Routes the default logger into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }
  int lines() const {
    const auto t = text();
    return static_cast<int>(std::count(t.begin(), t.end(), '\n'));
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

TEST(LogLimiter, OneLinePerIntervalThenSaysHowManyWereSwallowed) {
  CapturedLog log;
  LogLimiter limiter(std::chrono::milliseconds(200));
  for (int i = 0; i < 50; ++i) limiter.error("row {} failed", i);
  EXPECT_EQ(log.lines(), 1);
  EXPECT_NE(log.text().find("error row 0 failed"), std::string::npos) << log.text();
  // Keep failing until the interval has passed and the next line gets through.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (log.lines() < 2 && std::chrono::steady_clock::now() < deadline) {
    limiter.warn("row {} failed", 99);
  }
  ASSERT_EQ(log.lines(), 2) << log.text();
  const auto second = log.text().substr(log.text().find('\n') + 1);
  EXPECT_EQ(second.rfind("warning row 99 failed (", 0), 0u) << second;
  EXPECT_NE(second.find("similar messages suppressed"), std::string::npos);
  EXPECT_EQ(second.find("(0 similar"), std::string::npos);
}

}  // namespace
}  // namespace decnet::core
