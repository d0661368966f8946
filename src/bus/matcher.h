// NATS-style subject matching. `*` matches exactly one non-empty token; `>` matches one or more
// trailing tokens and is valid only as the last token. The reference accepts `>` anywhere and
// silently stops matching there (`a.>.c` matched `a.b`); here such a pattern is rejected when
// it is compiled, which happens at subscribe time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::bus {

class Pattern {
 public:
  // Throws BusError naming the problem for an empty pattern or a misplaced `>`.
  explicit Pattern(std::string_view text);

  bool matches(std::string_view topic) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> tokens_;
  bool tail_wildcard_ = false;  // last token was `>`
  bool literal_ = false;        // no wildcard at all: compare the whole string
};

// Why a pattern is invalid, or nullopt when it is fine.
std::optional<std::string> pattern_error(std::string_view pattern);

// Convenience for one-off checks; compiles the pattern every call. Invalid patterns never match.
bool matches(std::string_view pattern, std::string_view topic);

}  // namespace decnet::bus
