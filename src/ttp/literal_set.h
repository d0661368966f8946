// Which of many literals occur in a text, in one pass over it (Aho-Corasick, ASCII case folded).
// The rule engine's prefilter: a pattern rule runs only when one of its required literals is in
// the text, so a command that mentions nothing of the kind costs one scan, not one regular
// expression per rule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::ttp {

class LiteralSet {
 public:
  // Literals are numbered in the order given; an empty one is ignored.
  explicit LiteralSet(const std::vector<std::string>& literals);

  // Sets found[i] for every literal i that occurs in `text` (found is resized to size()).
  void find(std::string_view text, std::vector<bool>& found) const;
  std::size_t size() const { return count_; }

 private:
  struct State {
    std::int32_t next[256];
    std::int32_t fail = 0;
    std::vector<std::uint32_t> outputs;  // literal numbers ending here (with the fail chain's)
  };
  std::vector<State> states_;
  std::size_t count_ = 0;
};

}  // namespace decnet::ttp
