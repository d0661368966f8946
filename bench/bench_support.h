// Helpers shared by the benchmarks: the BENCH line format, timing and percentiles.
#pragma once

#include <arpa/inet.h>
#include <jemalloc/jemalloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace decnet::bench {

inline void report(const std::string& name, double value, const std::string& unit) {
  std::printf("BENCH %s %.6g %s\n", name.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// jemalloc's own count of allocated bytes (the benchmarks link it as the allocator).
inline std::size_t allocated_bytes() {
  std::uint64_t epoch = 1;
  std::size_t size = sizeof epoch;
  mallctl("epoch", &epoch, &size, &epoch, size);
  std::size_t bytes = 0;
  size = sizeof bytes;
  mallctl("stats.allocated", &bytes, &size, nullptr, 0);
  return bytes;
}

// A TCP port on 127.0.0.1 that was free a moment ago.
inline int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace decnet::bench
