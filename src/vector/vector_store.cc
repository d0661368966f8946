// Metric names as they appear in health output, settings and error messages.
#include "vector/vector_store.h"

namespace decnet::vector {

std::string_view metric_name(Metric metric) {
  return metric == Metric::kCosine ? "cosine" : "l2";
}

std::optional<Metric> parse_metric(std::string_view name) {
  if (name == "l2") return Metric::kL2;
  if (name == "cosine") return Metric::kCosine;
  return std::nullopt;
}

}  // namespace decnet::vector
