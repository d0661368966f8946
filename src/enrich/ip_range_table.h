// Address ranges to values (a country, an AS), built once from registry files and then only
// read, so lookups need no lock and a refresh swaps in a whole new table.
//
// Ranges from real registries overlap now and then (a reassignment inside an allocation). The
// reference kept them as given and then missed addresses in the outer range past the inner
// one's end; here build() flattens them into disjoint segments in which the most specific
// (smallest) covering range wins, so every covered address finds its most precise answer.
//
// Lookup first indexes the top 16 bits of the key (65,537 bucket offsets), which narrows a
// full-size table (~250,000 IPv4 ranges) to a handful of candidate segments, then runs a
// branch-free binary search over those.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace decnet::enrich {

using Uint128 = unsigned __int128;

template <typename Key, typename Value>
class IpRangeTable {
 public:
  struct Range {
    Key start;
    Key end;  // inclusive
    Value value;
  };

  IpRangeTable() = default;
  explicit IpRangeTable(std::vector<Range> ranges) { build(std::move(ranges)); }

  const Value* find(Key key) const {
    if (starts_.empty() || key < starts_[0]) return nullptr;
    const auto bucket = static_cast<std::size_t>(key >> kShift);
    // The owner starts in this bucket or is the last segment starting before it.
    const std::size_t first = buckets_[bucket] == 0 ? 0 : buckets_[bucket] - 1;
    const Key* base = starts_.data() + first;
    std::size_t len = buckets_[bucket + 1] - first;
    while (len > 1) {
      const std::size_t half = len / 2;
      base = base[half] <= key ? base + half : base;
      len -= half;
    }
    const auto i = static_cast<std::size_t>(base - starts_.data());
    return key <= ends_[i] ? &values_[i] : nullptr;
  }

  std::size_t size() const { return starts_.size(); }
  // The segment containing key: its bounds, for callers that report the covering range.
  std::optional<std::pair<Key, Key>> segment(Key key) const {
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), key);
    if (it == starts_.begin()) return std::nullopt;
    const auto i = static_cast<std::size_t>(it - starts_.begin()) - 1;
    if (key > ends_[i]) return std::nullopt;
    return std::make_pair(starts_[i], ends_[i]);
  }

 private:
  void build(std::vector<Range> ranges) {
    ranges.erase(std::remove_if(ranges.begin(), ranges.end(),
                                [](const Range& r) { return r.end < r.start; }),
                 ranges.end());
    // Sweep over range boundaries; the active range with the smallest span owns each piece.
    // Boundaries are start (open) and end (close after end); `end + 1` may overflow at the top
    // of the space, so closes are handled as "after end".
    struct Event {
      Key at;
      bool close;  // close events sort after opens at the same key: they act after `at`
      std::size_t index;
    };
    std::vector<Event> events;
    events.reserve(ranges.size() * 2);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      events.push_back({ranges[i].start, false, i});
      events.push_back({ranges[i].end, true, i});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      if (a.at != b.at) return a.at < b.at;
      if (a.close != b.close) return !a.close;
      return a.index < b.index;
    });
    // Active ranges ordered by span, then by input order (later input wins a tie, as the
    // reference's "last wins" for equal starts).
    std::set<std::pair<Key, std::size_t>> active;
    const auto span = [&](std::size_t i) { return Key(ranges[i].end - ranges[i].start); };
    const auto best = [&]() -> const Range* {
      if (active.empty()) return nullptr;
      const Key smallest = active.begin()->first;
      auto it = active.lower_bound({smallest, SIZE_MAX});
      --it;  // the last entry with the smallest span: the latest input among equals
      return &ranges[it->second];
    };
    std::optional<Key> cursor;  // first key not yet emitted, when inside coverage
    const auto emit = [&](Key from, Key to, const Range* owner) {
      if (!owner || to < from) return;
      if (!starts_.empty() && ends_.back() + 1 == from && values_.back() == owner->value &&
          ends_.back() != Key(~Key(0))) {
        ends_.back() = to;
        return;
      }
      starts_.push_back(from);
      ends_.push_back(to);
      values_.push_back(owner->value);
    };
    for (std::size_t e = 0; e < events.size();) {
      const Key at = events[e].at;
      // Opens at `at`: the piece before `at` belongs to the previous owner.
      if (!events[e].close) {
        if (cursor && *cursor < at) emit(*cursor, at - 1, best());
        while (e < events.size() && events[e].at == at && !events[e].close) {
          active.insert({span(events[e].index), events[e].index});
          ++e;
        }
        cursor = at;
      }
      // Closes at `at`: the piece up to and including `at` belongs to the current owner.
      if (e < events.size() && events[e].at == at && events[e].close) {
        if (cursor) emit(*cursor, at, best());
        while (e < events.size() && events[e].at == at && events[e].close) {
          active.erase({span(events[e].index), events[e].index});
          ++e;
        }
        cursor = at == Key(~Key(0)) || active.empty() ? std::nullopt : std::optional<Key>(at + 1);
      }
    }
    index();
  }

  void index() {
    buckets_.assign(kBuckets + 1, static_cast<std::uint32_t>(starts_.size()));
    std::size_t i = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
      const Key floor = Key(Key(b) << kShift);
      while (i < starts_.size() && starts_[i] < floor) ++i;
      buckets_[b] = static_cast<std::uint32_t>(i);
    }
  }

  static constexpr int kShift = static_cast<int>(sizeof(Key) * 8 - 16);
  static constexpr std::size_t kBuckets = 1u << 16;
  std::vector<Key> starts_;
  std::vector<Key> ends_;
  std::vector<Value> values_;
  std::vector<std::uint32_t> buckets_ = std::vector<std::uint32_t>(kBuckets + 1, 0);
};

}  // namespace decnet::enrich
