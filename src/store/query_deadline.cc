#include "store/query_deadline.h"

#include <algorithm>

namespace decnet::store {
namespace {

thread_local std::optional<QueryDeadline::Clock::time_point> t_deadline;

}  // namespace

QueryDeadline::QueryDeadline(Clock::duration budget) : previous_(t_deadline) {
  const auto at = Clock::now() + budget;
  t_deadline = previous_ ? std::min(*previous_, at) : at;
}

QueryDeadline::~QueryDeadline() {
  t_deadline = previous_;
}

std::optional<QueryDeadline::Clock::time_point> QueryDeadline::current() {
  return t_deadline;
}

}  // namespace decnet::store
