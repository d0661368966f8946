// What a session's commands look like as a vector (kind "cmd_ngram"), so attackers who run the
// same playbook are near each other whatever the arguments: each command's first word and each
// pair of consecutive first words are hashed into kCommandVectorDim buckets (HashedFeatures).
#pragma once

#include <vector>

#include "store/session_repository.h"

namespace decnet::correlate {

inline constexpr std::size_t kCommandVectorDim = 64;

// Empty when there is no command.
std::vector<float> command_vector(const std::vector<store::SessionCommand>& commands);

}  // namespace decnet::correlate
