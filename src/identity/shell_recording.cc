// Lines are parsed with exceptions off, and anything nested below a header's first level is
// discarded while parsing, so no line can cost more than a small multiple of its length.
#include "identity/shell_recording.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/utf8.h"

namespace decnet::identity {
namespace {

using nlohmann::json;

// Event lines are flat objects; anything nested deeper than a header's "hdr" object is dropped
// while parsing, so a line of a million '[' costs a bounded amount of memory.
bool keep_shallow(int depth, json::parse_event_t event, json&) {
  const bool opens =
      event == json::parse_event_t::object_start || event == json::parse_event_t::array_start;
  return !(opens && depth > 1);
}

}  // namespace

bool plausible_event_time(double t) {
  return std::isfinite(t) && std::fabs(t) <= kMaxEventSeconds;
}

std::optional<RecordedEvent> parse_shard_line(std::string_view line, std::string_view sid) {
  if (line.size() > kMaxShardLineBytes) return std::nullopt;
  line = core::trim(line, " \t\r\n\f\v");
  if (line.empty()) return std::nullopt;
  // sessrec escapes what it records, but a shard is still attacker-reachable: ill-formed
  // UTF-8 is replaced rather than costing the line, as a surrogate-escaping reader would keep it.
  std::string sanitized;
  if (!core::is_valid_utf8(line)) {
    sanitized = core::sanitize_utf8(line);
    line = sanitized;
  }
  const json rec = json::parse(line.begin(), line.end(), keep_shallow, false);
  if (rec.is_discarded() || !rec.is_object()) return std::nullopt;
  if (rec.contains("hdr")) return std::nullopt;
  const auto s = rec.find("sid");
  if (s == rec.end() || !s->is_string() || s->get_ref<const std::string&>() != sid) {
    return std::nullopt;
  }
  const auto t = rec.find("t");
  const auto ch = rec.find("ch");
  if (t == rec.end() || !t->is_number() || ch == rec.end() || !ch->is_string()) {
    return std::nullopt;
  }
  const auto& kind = ch->get_ref<const std::string&>();
  if (kind != "i" && kind != "o") return std::nullopt;
  const double seconds = t->get<double>();
  if (!plausible_event_time(seconds)) return std::nullopt;
  RecordedEvent event{.t = seconds, .kind = kind[0]};
  // A missing "d" reads as an empty chunk, as the reference parser defaults it.
  if (const auto d = rec.find("d"); d != rec.end()) {
    if (!d->is_string()) return std::nullopt;
    event.data = d->get<std::string>();
  }
  return event;
}

std::vector<RecordedEvent> parse_shard(std::string_view shard, std::string_view sid,
                                       std::size_t max_events) {
  std::vector<RecordedEvent> events;
  std::size_t pos = 0;
  while (pos < shard.size() && events.size() < max_events) {
    auto end = shard.find('\n', pos);
    if (end == std::string_view::npos) end = shard.size();
    if (auto event = parse_shard_line(shard.substr(pos, end - pos), sid)) {
      events.push_back(std::move(*event));
    }
    pos = end + 1;
  }
  return events;
}

}  // namespace decnet::identity
