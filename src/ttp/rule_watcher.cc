#include "ttp/rule_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace decnet::ttp {
namespace {

constexpr int kSettleMs = 250;  // a burst of events ends when none came for this long

}  // namespace

RuleWatcher::RuleWatcher(std::filesystem::path dir, std::function<void()> on_change)
    : dir_(std::move(dir)), on_change_(std::move(on_change)) {
  fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  stop_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd_ < 0 || stop_fd_ < 0 ||
      inotify_add_watch(fd_, dir_.c_str(),
                        IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE) < 0) {
    const std::string why = std::error_code(errno, std::generic_category()).message();
    if (fd_ >= 0) close(fd_);
    if (stop_fd_ >= 0) close(stop_fd_);
    throw std::runtime_error("cannot watch " + dir_.string() + ": " + why);
  }
  thread_ = std::thread([this] { run(); });
}

RuleWatcher::~RuleWatcher() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  close(fd_);
  close(stop_fd_);
}

void RuleWatcher::run() {
  std::array<char, 4096> buffer{};
  bool pending = false;
  while (true) {
    std::array<pollfd, 2> fds{{{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}}};
    const int ready = poll(fds.data(), fds.size(), pending ? kSettleMs : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN) != 0) return;
    if (ready == 0) {  // quiet for kSettleMs after changes: reload once
      pending = false;
      on_change_();
      continue;
    }
    // Drain what the kernel queued; which file changed does not matter, the pack reloads whole.
    while (read(fd_, buffer.data(), buffer.size()) > 0) pending = true;
  }
}

}  // namespace decnet::ttp
