// The bus layer's one error type. Thrown for programming or configuration errors (an invalid
// topic segment, a malformed pattern, a transport that cannot be reached at start-up); never
// for a bad message received from a peer, which is logged and dropped instead.
#pragma once

#include <stdexcept>
#include <string>

namespace decnet::bus {

class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace decnet::bus
