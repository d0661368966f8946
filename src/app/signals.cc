#include "app/signals.h"

#include <pthread.h>

#include <csignal>

namespace decnet::app {
namespace {

sigset_t shutdown_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_shutdown_signals() {
  auto set = shutdown_set();
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error code, not a crash
}

int wait_for_shutdown_signal() {
  const auto set = shutdown_set();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

int wait_for_shutdown_or_reload_signal() {
  auto set = shutdown_set();
  sigaddset(&set, SIGHUP);
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

}  // namespace decnet::app
