// The vector layer's one error type. Thrown for caller errors (a dimension that does not match
// the kind, an empty kind or id, a non-finite value, a metric that contradicts the kind's) and
// for storage failures (an unreadable or foreign side file, a failed write). Never thrown by
// health(), close() or the null store.
#pragma once

#include <stdexcept>
#include <string>

namespace decnet::vector {

class VectorError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace decnet::vector
