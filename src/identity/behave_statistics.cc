// Sums are compensated because thresholds are compared exactly and the reference's means and
// deviations come from math.fsum and exact fractions.
#include "identity/behave_statistics.h"

#include <algorithm>
#include <cmath>

namespace decnet::identity {
namespace {

// Neumaier's compensated sum: the same result as Python's math.fsum for the sizes and
// magnitudes a session produces.
double compensated_sum(std::span<const double> xs) {
  double sum = 0.0;
  double carry = 0.0;
  for (const double x : xs) {
    const double next = sum + x;
    carry += std::fabs(sum) >= std::fabs(x) ? (sum - next) + x : (x - next) + sum;
    sum = next;
  }
  return sum + carry;
}

double squared_deviations(std::span<const double> xs, double centre) {
  std::vector<double> squares;
  squares.reserve(xs.size());
  for (const double x : xs) squares.push_back((x - centre) * (x - centre));
  return compensated_sum(squares);
}

}  // namespace

double mean(std::span<const double> xs) {
  if (xs.empty()) return 0.0;
  return compensated_sum(xs) / static_cast<double>(xs.size());
}

double population_stdev(std::span<const double> xs) {
  if (xs.size() < 2) return 0.0;
  return std::sqrt(squared_deviations(xs, mean(xs)) / static_cast<double>(xs.size()));
}

std::optional<double> sample_stdev(std::span<const double> xs) {
  if (xs.size() < 2) return std::nullopt;
  return std::sqrt(squared_deviations(xs, mean(xs)) / static_cast<double>(xs.size() - 1));
}

std::optional<double> median(std::vector<double> xs) {
  if (xs.empty()) return std::nullopt;
  const std::size_t mid = xs.size() / 2;
  std::nth_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(mid), xs.end());
  const double upper = xs[mid];
  if (xs.size() % 2 == 1) return upper;
  const double lower = *std::max_element(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2.0;
}

double percentile(std::vector<double> xs, double q) {
  if (xs.empty()) return 0.0;
  std::sort(xs.begin(), xs.end());
  const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(xs.size() - 1);
  const auto below = static_cast<std::size_t>(rank);
  if (below + 1 >= xs.size()) return xs.back();
  const double fraction = rank - static_cast<double>(below);
  return xs[below] + (xs[below + 1] - xs[below]) * fraction;
}

std::optional<double> pearson(std::span<const double> xs, std::span<const double> ys) {
  const std::size_t n = std::min(xs.size(), ys.size());
  if (n < 2) return std::nullopt;
  xs = xs.first(n);
  ys = ys.first(n);
  const double mx = mean(xs);
  const double my = mean(ys);
  std::vector<double> cross;
  cross.reserve(n);
  for (std::size_t i = 0; i < n; ++i) cross.push_back((xs[i] - mx) * (ys[i] - my));
  const double sxx = squared_deviations(xs, mx);
  const double syy = squared_deviations(ys, my);
  if (sxx == 0.0 || syy == 0.0) return std::nullopt;
  return compensated_sum(cross) / std::sqrt(sxx * syy);
}

std::optional<double> population_cv(std::span<const double> xs) {
  if (xs.empty()) return std::nullopt;
  const double m = mean(xs);
  if (!(m > 0.0)) return std::nullopt;
  return population_stdev(xs) / m;
}

std::optional<double> sample_cv(std::span<const double> xs) {
  if (xs.size() < 2) return std::nullopt;
  const double m = mean(xs);
  if (!(m > 0.0)) return std::nullopt;
  return *sample_stdev(xs) / m;
}

}  // namespace decnet::identity
