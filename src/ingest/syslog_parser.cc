#include "ingest/syslog_parser.h"

#include <array>
#include <cstdlib>

#include "core/text.h"

namespace decnet::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool fail(std::string* error, const char* reason) {
  if (error != nullptr) *error = reason;
  return false;
}

inline bool is_print(char c) {
  return c >= 33 && c <= 126;
}
inline bool is_sd_name_char(char c) {
  return is_print(c) && c != '=' && c != ']' && c != '"';
}

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

void set_msg(const char* p, const char* end, SyslogMessage& out) {
  std::string_view msg = view(p, end);
  if (msg.starts_with(kBom)) {
    msg.remove_prefix(kBom.size());
    out.msg_had_bom = true;
  }
  out.msg = msg;
}

enum class Field { kOk, kBad, kTruncated };

// A header field: 1 or more PRINTUSASCII bytes, then SP.
Field header_field(const char*& p, const char* end, std::string_view& out) {
  const char* start = p;
  while (p < end && is_print(*p)) ++p;
  if (p == end) return Field::kTruncated;
  if (p == start || *p != ' ') return Field::kBad;
  out = view(start, p);
  ++p;
  return Field::kOk;
}

// PARAM-VALUE up to the closing quote; p is just past the opening one. Values without escapes
// stay views into the line; the others are unescaped into scratch, whose capacity covers the
// whole line, so earlier views into it are never invalidated.
bool read_value(const char*& p, const char* end, std::string& scratch, std::string_view& value) {
  const char* start = p;
  while (p < end && *p != '"' && *p != '\\') ++p;
  if (p == end) return false;
  if (*p == '"') {
    value = view(start, p);
    ++p;
    return true;
  }
  const std::size_t first = scratch.size();
  scratch.append(start, p);
  while (p < end) {
    const char c = *p;
    if (c == '"') {
      value = std::string_view(scratch.data() + first, scratch.size() - first);
      ++p;
      return true;
    }
    if (c == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\' || p[1] == ']')) {
      scratch.push_back(p[1]);
      p += 2;
      continue;
    }
    scratch.push_back(c);
    ++p;
  }
  return false;
}

// One or more `[SD-ID *(SP PARAM-NAME="VALUE")]`; p is on the first '['.
bool read_structured_data(const char*& p, const char* end, SyslogMessage& out, std::string* error) {
  constexpr const char* kUnterminated = "unterminated SD element";
  while (p < end && *p == '[') {
    ++p;
    const char* id = p;
    while (p < end && is_sd_name_char(*p)) ++p;
    if (p == end) return fail(error, kUnterminated);
    if (p == id || (*p != ' ' && *p != ']')) return fail(error, "bad SD-ID");
    SdElement element{view(id, p), out.params.size(), 0};
    for (;;) {
      if (p == end) return fail(error, kUnterminated);
      if (*p == ']') {
        ++p;
        break;
      }
      if (*p != ' ') return fail(error, "expected SP or ']' after SD-PARAM");
      while (p < end && *p == ' ') ++p;
      if (p == end) return fail(error, kUnterminated);
      if (*p == ']') continue;
      const char* name = p;
      while (p < end && is_sd_name_char(*p)) ++p;
      if (p == end) return fail(error, kUnterminated);
      if (p == name) return fail(error, "bad SD-PARAM name");
      const std::string_view name_view = view(name, p);
      if (*p != '=') return fail(error, "expected '=' in SD-PARAM");
      ++p;
      if (p == end) return fail(error, kUnterminated);
      if (*p != '"') return fail(error, "expected '\"' in SD-PARAM");
      ++p;
      std::string_view value;
      if (!read_value(p, end, out.scratch, value)) {
        return fail(error, "unterminated SD-PARAM value");
      }
      out.params.push_back(SdParam{name_view, value});
    }
    element.param_count = out.params.size() - element.first_param;
    out.elements.push_back(element);
  }
  return true;
}

bool parse_tail(const char* p, const char* end, SyslogMessage& out, std::string* error) {
  constexpr const char* kTruncated = "truncated header";
  const char* ts = p;
  while (p < end && *p != ' ') ++p;
  if (p == end) return fail(error, kTruncated);
  if (p == ts) return fail(error, "bad TIMESTAMP");
  out.timestamp_text = view(ts, p);
  ++p;
  if (out.timestamp_text != SyslogMessage::kNil) {
    out.timestamp = core::parse_syslog_timestamp(out.timestamp_text);
    out.timestamp_invalid = !out.timestamp.has_value();
  }

  struct Step {
    std::string_view* field;
    const char* bad;
  };
  const std::array<Step, 4> steps = {{{&out.hostname, "bad HOSTNAME"},
                                      {&out.app_name, "bad APP-NAME"},
                                      {&out.procid, "bad PROCID"},
                                      {&out.msgid, "bad MSGID"}}};
  for (const Step& step : steps) {
    switch (header_field(p, end, *step.field)) {
      case Field::kOk:
        break;
      case Field::kBad:
        return fail(error, step.bad);
      case Field::kTruncated:
        return fail(error, step.field == &out.msgid ? "missing STRUCTURED-DATA" : kTruncated);
    }
  }

  if (p == end) return fail(error, "missing STRUCTURED-DATA");
  if (*p == '-' && (p + 1 == end || p[1] == ' ')) {
    ++p;
  } else if (*p == '[') {
    if (!read_structured_data(p, end, out, error)) return false;
  } else {
    set_msg(p, end, out);  // lenient: no SD at all, the rest is the message
    return true;
  }
  if (p == end) return true;
  if (*p != ' ') return fail(error, "expected SP after STRUCTURED-DATA");
  set_msg(p + 1, end, out);
  return true;
}

struct Rfc3164Time {
  unsigned month = 0;
  unsigned day = 0;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  std::size_t length = 0;
};

// "Mmm dd hh:mm:ss", the day space-padded ("May  2") or, leniently, not ("May 2").
std::optional<Rfc3164Time> read_3164_time(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() < 14 || s[3] != ' ') return std::nullopt;
  Rfc3164Time t;
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    if (s.starts_with(kMonths[m])) t.month = m + 1;
  }
  if (t.month == 0) return std::nullopt;
  std::size_t i = 4;
  if (s[4] == ' ' && core::is_ascii_digit(s[5])) {
    t.day = static_cast<unsigned>(s[5] - '0');
    i = 6;
  } else if (core::is_ascii_digit(s[4]) && core::is_ascii_digit(s[5])) {
    t.day = static_cast<unsigned>((s[4] - '0') * 10 + (s[5] - '0'));
    i = 6;
  } else if (core::is_ascii_digit(s[4]) && s[5] == ' ') {
    t.day = static_cast<unsigned>(s[4] - '0');
    i = 5;
  } else {
    return std::nullopt;
  }
  if (s.size() < i + 9 || s[i] != ' ' || s[i + 3] != ':' || s[i + 6] != ':') return std::nullopt;
  const auto two = [&](std::size_t at, unsigned& value) {
    if (!core::is_ascii_digit(s[at]) || !core::is_ascii_digit(s[at + 1])) return false;
    value = static_cast<unsigned>((s[at] - '0') * 10 + (s[at + 1] - '0'));
    return true;
  };
  if (!two(i + 1, t.hour) || !two(i + 4, t.minute) || !two(i + 7, t.second)) return std::nullopt;
  if (t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59) {
    return std::nullopt;
  }
  t.length = i + 9;
  return t;
}

bool parse_3164(const char* p, const char* end, bool digit_after_pri, SyslogMessage& out,
                std::string* error) {
  out.format = SyslogFormat::kRfc3164;
  out.version = 0;
  if (const auto t = read_3164_time(view(p, end))) {
    out.timestamp_text = view(p, p + t->length);
    p += t->length;
  } else {
    // rsyslog's forwarding format puts an RFC 3339 time where RFC 3164 has its own.
    const char* ts = p;
    while (p < end && *p != ' ') ++p;
    out.timestamp = core::parse_syslog_timestamp(view(ts, p));
    if (!out.timestamp) {
      return fail(error, digit_after_pri ? "bad VERSION" : "no VERSION or RFC 3164 TIMESTAMP");
    }
    out.timestamp_text = view(ts, p);
  }
  if (p == end || *p != ' ') return fail(error, "truncated RFC 3164 header");
  ++p;

  const char* first = p;
  while (p < end && *p != ' ') ++p;
  const std::string_view token = view(first, p);
  if (token.empty()) return fail(error, "bad HOSTNAME");
  if (token.back() == ':' || token.find('[') != std::string_view::npos) {
    p = first;  // no HOSTNAME: the first word is already the tag
  } else {
    for (const char c : token) {
      if (!is_print(c)) return fail(error, "bad HOSTNAME");
    }
    out.hostname = token;
    if (p < end) ++p;
  }

  const char* tag = p;
  while (p < end && is_print(*p) && *p != '[' && *p != ':') ++p;
  const char* tag_end = p;
  const char* pid = nullptr;
  const char* pid_end = nullptr;
  if (p < end && *p == '[') {
    pid = ++p;
    while (p < end && is_print(*p) && *p != ']') ++p;
    pid_end = p;
    if (p < end && *p == ']') ++p;
  }
  if (tag_end > tag && p < end && *p == ':') {
    out.app_name = view(tag, tag_end);
    if (pid != nullptr && pid_end > pid) out.procid = view(pid, pid_end);
    ++p;
    if (p < end && *p == ' ') ++p;
    set_msg(p, end, out);
  } else {
    set_msg(tag, end, out);  // no TAG: everything after HOSTNAME is the message
  }
  return true;
}

}  // namespace

bool parse_syslog(std::string_view line, SyslogMessage& out, std::string* error) {
  out.clear();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (out.scratch.capacity() < line.size()) out.scratch.reserve(line.size());
  const char* p = line.data();
  const char* end = p + line.size();
  if (p == end || *p != '<') return fail(error, "no PRI");
  ++p;
  int pri = 0;
  const char* digits = p;
  while (p < end && core::is_ascii_digit(*p) && p - digits < 4) pri = pri * 10 + (*p++ - '0');
  if (p == digits || p - digits > 3 || p == end || *p != '>' || pri > 191) {
    return fail(error, "bad PRI");
  }
  out.pri = pri;
  ++p;

  if (p < end && core::is_ascii_digit(*p)) {
    const char* v = p;
    int version = 0;
    while (p < end && core::is_ascii_digit(*p) && p - v < 4) version = version * 10 + (*p++ - '0');
    if (p - v <= 3 && p < end && *p == ' ' && *v != '0') {
      if (version != 1) return fail(error, "unsupported VERSION");
      out.version = version;
      return parse_tail(p + 1, end, out, error);
    }
    p = v;
    return parse_3164(p, end, true, out, error);
  }
  return parse_3164(p, end, false, out, error);
}

bool parse_rfc5424_header_tail(std::string_view text, SyslogMessage& out, std::string* error) {
  out.clear();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (out.scratch.capacity() < text.size()) out.scratch.reserve(text.size());
  return parse_tail(text.data(), text.data() + text.size(), out, error);
}

std::optional<std::int64_t> rfc3164_time_micros(std::string_view text, std::int64_t near_micros) {
  const auto t = read_3164_time(text);
  if (!t || t->length != text.size()) return std::nullopt;
  constexpr std::int64_t kDay = 86'400'000'000;
  std::int64_t days = near_micros / kDay;
  if (near_micros % kDay < 0) --days;
  const std::int64_t year = core::civil_from_days(days).year;
  std::optional<std::int64_t> best;
  for (std::int64_t y = year - 1; y <= year + 1; ++y) {
    const std::int64_t d = core::days_from_civil(y, t->month, t->day);
    if (core::civil_from_days(d).month != t->month) continue;  // Feb 29 in a common year
    const std::int64_t micros =
        d * kDay + ((t->hour * 60 + t->minute) * 60 + t->second) * std::int64_t{1'000'000};
    if (!best || std::llabs(micros - near_micros) < std::llabs(*best - near_micros)) best = micros;
  }
  return best;
}

}  // namespace decnet::ingest
