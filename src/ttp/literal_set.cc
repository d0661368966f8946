#include "ttp/literal_set.h"

#include <cctype>
#include <deque>

namespace decnet::ttp {
namespace {

unsigned char fold(char c) {
  return static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

LiteralSet::LiteralSet(const std::vector<std::string>& literals) : count_(literals.size()) {
  states_.emplace_back();
  std::fill(std::begin(states_[0].next), std::end(states_[0].next), -1);
  for (std::uint32_t i = 0; i < literals.size(); ++i) {
    if (literals[i].empty()) continue;
    std::int32_t s = 0;
    for (const char c : literals[i]) {
      const auto b = fold(c);
      if (states_[static_cast<std::size_t>(s)].next[b] < 0) {
        states_[static_cast<std::size_t>(s)].next[b] = static_cast<std::int32_t>(states_.size());
        states_.emplace_back();
        std::fill(std::begin(states_.back().next), std::end(states_.back().next), -1);
      }
      s = states_[static_cast<std::size_t>(s)].next[b];
    }
    states_[static_cast<std::size_t>(s)].outputs.push_back(i);
  }
  // Breadth first: every missing edge becomes the edge of the failure state, so matching never
  // backtracks.
  std::deque<std::int32_t> queue;
  for (auto& n : states_[0].next) {
    if (n < 0) {
      n = 0;
    } else {
      states_[static_cast<std::size_t>(n)].fail = 0;
      queue.push_back(n);
    }
  }
  while (!queue.empty()) {
    const auto s = static_cast<std::size_t>(queue.front());
    queue.pop_front();
    const auto fail = static_cast<std::size_t>(states_[s].fail);
    const auto& inherited = states_[fail].outputs;
    states_[s].outputs.insert(states_[s].outputs.end(), inherited.begin(), inherited.end());
    for (int b = 0; b < 256; ++b) {
      auto& n = states_[s].next[b];
      if (n < 0) {
        n = states_[fail].next[b];
      } else {
        states_[static_cast<std::size_t>(n)].fail = states_[fail].next[b];
        queue.push_back(n);
      }
    }
  }
}

void LiteralSet::find(std::string_view text, std::vector<bool>& found) const {
  found.assign(count_, false);
  std::size_t s = 0;
  for (const char c : text) {
    s = static_cast<std::size_t>(states_[s].next[fold(c)]);
    for (const auto i : states_[s].outputs) found[i] = true;
  }
}

}  // namespace decnet::ttp
