#include "bus/matcher.h"

#include "bus/bus_error.h"
#include "core/text.h"

namespace decnet::bus {
namespace {

// Splits on '.', keeping empty tokens so "a..b" is visibly malformed.
template <typename Fn>
void for_each_token(std::string_view text, Fn&& fn) {
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    if (dot == std::string_view::npos) {
      fn(text.substr(start));
      return;
    }
    fn(text.substr(start, dot - start));
    start = dot + 1;
  }
}

}  // namespace

std::optional<std::string> pattern_error(std::string_view pattern) {
  if (pattern.empty()) return "pattern is empty";
  std::optional<std::string> error;
  bool after_tail = false;
  for_each_token(pattern, [&](std::string_view token) {
    if (error) return;
    if (after_tail) {
      error = "'>' must be the last token of pattern '" + std::string(pattern) + "'";
    } else if (token.empty()) {
      error = "pattern '" + std::string(pattern) + "' has an empty token";
    } else if (token == ">") {
      after_tail = true;
    }
    if (!error && core::contains_space_or_control(token)) {
      error = "pattern '" + std::string(pattern) + "' contains whitespace or control characters";
    }
  });
  return error;
}

Pattern::Pattern(std::string_view text) : text_(text) {
  if (auto error = pattern_error(text)) throw BusError(*error);
  for_each_token(text, [&](std::string_view token) { tokens_.emplace_back(token); });
  tail_wildcard_ = tokens_.back() == ">";
  literal_ = true;
  for (const auto& token : tokens_) {
    if (token == "*" || token == ">") literal_ = false;
  }
}

bool Pattern::matches(std::string_view topic) const {
  if (literal_) return topic == text_;
  std::size_t index = 0;
  std::size_t start = 0;
  const std::size_t n = tokens_.size();
  while (true) {
    const auto dot = topic.find('.', start);
    const auto token =
        topic.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (index >= n) return false;  // topic has more tokens than the pattern
    const auto& want = tokens_[index];
    if (token.empty()) return false;  // malformed topics never match a wildcard or literal
    if (want == ">") {
      // One or more remaining tokens, all non-empty.
      return topic.find("..", start) == std::string_view::npos && topic.back() != '.';
    }
    if (want != "*" && want != token) return false;
    ++index;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return index == n;
}

bool matches(std::string_view pattern, std::string_view topic) {
  if (pattern_error(pattern)) return false;
  return Pattern(pattern).matches(topic);
}

}  // namespace decnet::bus
