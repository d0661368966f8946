// Small text predicates shared across layers.
#pragma once

#include <string_view>

namespace decnet::core {

// True if `s` contains ASCII control characters or any Unicode whitespace encoded as UTF-8
// (the set Python's str.isspace() recognises, which the reference used to validate topics).
bool contains_space_or_control(std::string_view s);

}  // namespace decnet::core
