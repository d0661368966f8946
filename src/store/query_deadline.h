// A time budget for the reads of the calling thread. The API gives every request that queries
// the database one, so a hostile search (hundreds of LIKE terms over millions of rows) ends with
// a clear error after its budget instead of holding a read connection and a worker for
// seconds. Backends check the deadline while a query runs (SQLite: a progress handler) and
// while waiting for a read connection, and report StoreError::Kind::kTimeout.
//
// The deadline is thread-local and scoped: nested budgets keep the earlier of the two, and the
// previous one comes back when the scope ends. Threads without one (ingest, workers) are never
// interrupted.
#pragma once

#include <chrono>
#include <optional>

namespace decnet::store {

class QueryDeadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit QueryDeadline(Clock::duration budget);
  ~QueryDeadline();
  QueryDeadline(const QueryDeadline&) = delete;
  QueryDeadline& operator=(const QueryDeadline&) = delete;

  // The calling thread's deadline, if it has one.
  static std::optional<Clock::time_point> current();
  static bool expired() {
    const auto at = current();
    return at && Clock::now() >= *at;
  }

 private:
  std::optional<Clock::time_point> previous_;
};

}  // namespace decnet::store
