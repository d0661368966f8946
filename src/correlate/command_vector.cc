#include "correlate/command_vector.h"

#include <cmath>
#include <string_view>

namespace decnet::correlate {
namespace {

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ULL) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string_view first_word(std::string_view command) {
  const auto start = command.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  const auto end = command.find_first_of(" \t", start);
  return command.substr(start, end == std::string_view::npos ? end : end - start);
}

}  // namespace

std::vector<float> command_vector(const std::vector<store::SessionCommand>& commands) {
  std::vector<float> v(kCommandVectorDim, 0.0F);
  std::string_view previous;
  bool any = false;
  for (const auto& c : commands) {
    const auto word = first_word(c.command);
    if (word.empty()) continue;
    any = true;
    v[fnv1a(word) % kCommandVectorDim] += 1.0F;
    if (!previous.empty()) {
      v[fnv1a(word, fnv1a(previous) ^ 0x9e3779b97f4a7c15ULL) % kCommandVectorDim] += 1.0F;
    }
    previous = word;
  }
  if (!any) return {};
  double norm = 0;
  for (const float x : v) norm += static_cast<double>(x) * x;
  const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (auto& x : v) x *= scale;
  return v;
}

}  // namespace decnet::correlate
