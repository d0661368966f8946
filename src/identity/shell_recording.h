// The terminal sessions the PTY recorder (sessrec) writes, read back as events. A shard is JSONL:
// one header line per session ({"sid", "hdr": {...}}) and one line per chunk of terminal
// traffic ({"sid", "t": seconds since the session began, "ch": "i" | "o" | "r", "d": text}).
// Shards live on a decky an attacker controlled, so nothing in one is trusted: lines that are
// not well-formed events are skipped, never thrown on, and both a line and the number of events
// taken from a shard are bounded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::identity {

// One chunk of keyboard input ('i') or terminal output ('o'), in the order it was recorded.
struct RecordedEvent {
  double t = 0.0;
  char kind = 'i';
  std::string data;  // valid UTF-8: ill-formed bytes in a shard become U+FFFD
};

inline constexpr std::size_t kMaxShardLineBytes = 1 << 20;
inline constexpr std::size_t kDefaultMaxShardEvents = 200'000;
// About 31 years: sessrec writes seconds since the session began, so a larger (or non-finite)
// time is corruption, and keeping it out bounds every difference the extractor takes.
inline constexpr double kMaxEventSeconds = 1e9;

// True for a time an event may carry: finite and within kMaxEventSeconds of zero.
bool plausible_event_time(double t);

// The event on `line` if it is an input or output event of session `sid`; nullopt for headers,
// resize ('r') events, other sessions, lines over kMaxShardLineBytes and anything malformed.
std::optional<RecordedEvent> parse_shard_line(std::string_view line, std::string_view sid);

// The first `max_events` events of session `sid` in `shard`, in file order.
std::vector<RecordedEvent> parse_shard(std::string_view shard, std::string_view sid,
                                       std::size_t max_events = kDefaultMaxShardEvents);

}  // namespace decnet::identity
