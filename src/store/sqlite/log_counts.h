// The hourly event counters of migration 6: log_counts(hour, decky, service, n), kept by the log
// insert. The bucket of a timestamp is computed here and, identically (integer division, which
// truncates), by the migration's backfill; the overview reads whole buckets plus a correction
// from `logs` for the part of an hour its window cuts.
#pragma once

#include <cstdint>

namespace decnet::store::sqlite {

inline constexpr std::int64_t kLogCountBucket = 3'600'000'000;  // one hour, in microseconds

inline constexpr std::int64_t log_count_bucket(std::int64_t timestamp) {
  return timestamp / kLogCountBucket * kLogCountBucket;
}

}  // namespace decnet::store::sqlite
