// Names the calling thread (Linux keeps 15 bytes), so `top -H`, perf and a debugger show which
// part of DECNET a busy or stuck thread belongs to.
#pragma once

#include <pthread.h>

#include <string>

namespace decnet::core {

inline void name_this_thread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace decnet::core
