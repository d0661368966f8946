// Watches the rule directory with inotify and calls back when a rule file is written, moved in
// or out, or deleted — once per burst of changes (an editor's save is several events), at most
// a quarter of a second after the last one, so a change takes effect within a second without a
// restart. What a reload does with a bad file is the caller's business.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

namespace decnet::ttp {

class RuleWatcher {
 public:
  // Starts watching; throws std::runtime_error when the directory cannot be watched.
  RuleWatcher(std::filesystem::path dir, std::function<void()> on_change);
  ~RuleWatcher();
  RuleWatcher(const RuleWatcher&) = delete;
  RuleWatcher& operator=(const RuleWatcher&) = delete;

 private:
  void run();

  std::filesystem::path dir_;
  std::function<void()> on_change_;
  int fd_ = -1;
  int stop_fd_ = -1;  // an eventfd that wakes the thread to stop
  std::thread thread_;
};

}  // namespace decnet::ttp
