// The descriptive statistics the BEHAVE-SHELL extractor classifies with. Their exact semantics
// decide which side of a threshold a session falls on, so they follow the Python reference
// that produced the calibration: means are summed with compensation (fsum-like), the median of
// an even count is the mean of the two middle values, population and sample standard deviation
// are distinct functions, and the caller says which one a feature uses.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace decnet::identity {

// 0 for an empty span.
double mean(std::span<const double> xs);
// Root mean squared deviation from the mean (divides by n); 0 for fewer than two values.
double population_stdev(std::span<const double> xs);
// Divides by n - 1; nullopt for fewer than two values.
std::optional<double> sample_stdev(std::span<const double> xs);
// nullopt for an empty input.
std::optional<double> median(std::vector<double> xs);
// Linear interpolation between closest ranks (rank q * (n - 1)); 0 for an empty input.
double percentile(std::vector<double> xs, double q);
// Pearson's r; nullopt when fewer than two pairs or either series is constant.
std::optional<double> pearson(std::span<const double> xs, std::span<const double> ys);

// population_stdev / mean over values whose mean is positive; nullopt otherwise.
std::optional<double> population_cv(std::span<const double> xs);
// sample_stdev / mean, for two or more values whose mean is positive; nullopt otherwise.
std::optional<double> sample_cv(std::span<const double> xs);

}  // namespace decnet::identity
