// How many connections a decky holds at once, in total and per source address. A decky faces
// the internet: one address opening thousands of sockets must not starve the others, and the
// whole must fit the memory the decky is given. A refused connection is closed at once, before
// a byte is read or a line emitted (a flood of refusals would otherwise flood the master too);
// the refusals are counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace decnet::decky {

class ConnectionLimits {
 public:
  ConnectionLimits(std::size_t max_total, std::size_t max_per_source)
      : max_total_(max_total), max_per_source_(max_per_source) {}

  // True (and counted) when `source` may open one more connection.
  bool admit(const std::string& source) {
    if (total_ >= max_total_) {
      ++refused_;
      return false;
    }
    auto& n = per_source_[source];
    if (n >= max_per_source_) {
      ++refused_;
      return false;
    }
    ++n;
    ++total_;
    return true;
  }
  void release(const std::string& source) {
    const auto it = per_source_.find(source);
    if (it == per_source_.end()) return;
    if (--it->second == 0) per_source_.erase(it);
    --total_;
  }

  std::size_t open() const { return total_; }
  std::uint64_t refused() const { return refused_; }

 private:
  std::size_t max_total_;
  std::size_t max_per_source_;
  std::size_t total_ = 0;
  std::uint64_t refused_ = 0;
  std::unordered_map<std::string, std::size_t> per_source_;
};

}  // namespace decnet::decky
