#include "correlate/command_vector.h"

#include <string_view>

#include "correlate/feature_hashing.h"

namespace decnet::correlate {
namespace {

std::string_view first_word(std::string_view command) {
  const auto start = command.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  const auto end = command.find_first_of(" \t", start);
  return command.substr(start, end == std::string_view::npos ? end : end - start);
}

}  // namespace

std::vector<float> command_vector(const std::vector<store::SessionCommand>& commands) {
  HashedFeatures features(kCommandVectorDim);
  std::string_view previous;
  for (const auto& c : commands) {
    const auto word = first_word(c.command);
    if (word.empty()) continue;
    features.add(word);
    if (!previous.empty()) {
      features.add(word, HashedFeatures::fnv1a(previous) ^ 0x9e3779b97f4a7c15ULL);
    }
    previous = word;
  }
  return features.unit();
}

}  // namespace decnet::correlate
