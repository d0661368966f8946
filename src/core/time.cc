// The calendar conversions follow the era-based (400-year cycle) days-from-civil method published
// by Howard Hinnant, re-derived here: shifting the year to start in March puts the leap day last,
// so the day of the year is a linear formula of the month. Parsing reads fixed positions and
// checks every character; formatting writes digits into a fixed buffer.
#include "core/time.h"

#include <chrono>

namespace decnet::core {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads n digits at p; -1 when any is not a digit.
int read_digits(const char* p, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (!is_digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t y, int m) {
  static constexpr unsigned char kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

char* put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// Writes "YYYY-MM-DDTHH:MM:SS" and, if asked, ".ffffff" for local micros; returns the end.
char* put_datetime(char* p, int64_t micros, bool with_micros) {
  int64_t days = micros / kMicrosPerDay;
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  const CivilDate d = civil_from_days(days);
  int64_t year = d.year;
  if (year < 0) {
    *p++ = '-';
    year = -year;
  }
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + year % 10);
    year /= 10;
  } while (year > 0);
  while (n < 4) digits[n++] = '0';
  while (n > 0) *p++ = digits[--n];
  *p++ = '-';
  p = put2(p, d.month);
  *p++ = '-';
  p = put2(p, d.day);
  *p++ = 'T';
  const int64_t secs = in_day / kMicrosPerSecond;
  p = put2(p, static_cast<unsigned>(secs / 3600));
  *p++ = ':';
  p = put2(p, static_cast<unsigned>(secs / 60 % 60));
  *p++ = ':';
  p = put2(p, static_cast<unsigned>(secs % 60));
  if (with_micros) {
    int64_t frac = in_day % kMicrosPerSecond;
    *p++ = '.';
    for (int i = 5; i >= 0; --i) {
      p[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += 6;
  }
  return p;
}

char* put_offset(char* p, int offset_minutes) {
  if (offset_minutes == 0) {
    *p++ = 'Z';
    return p;
  }
  *p++ = offset_minutes < 0 ? '-' : '+';
  const unsigned m = static_cast<unsigned>(offset_minutes < 0 ? -offset_minutes : offset_minutes);
  p = put2(p, m / 60 % 100);
  *p++ = ':';
  return put2(p, m % 60);
}

}  // namespace

int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  const int64_t y = month <= 2 ? year - 1 : year;
  const int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);                               // [0, 399]
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate civil_from_days(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

namespace {

std::optional<Timestamp> parse_iso_time(std::string_view text, bool offset_optional) {
  // 0123456789012345678
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < (offset_optional ? 19u : 20u)) return std::nullopt;
  const char* s = text.data();
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  const int year = read_digits(s, 4);
  const int month = read_digits(s + 5, 2);
  const int day = read_digits(s + 8, 2);
  const int hour = read_digits(s + 11, 2);
  const int minute = read_digits(s + 14, 2);
  const int second = read_digits(s + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > days_in_month(year, month)) return std::nullopt;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }

  size_t i = 19;
  int64_t frac = 0;
  if (s[i] == '.') {
    ++i;
    const size_t start = i;
    while (i < text.size() && is_digit(s[i])) {
      if (i - start < 6) frac = frac * 10 + (s[i] - '0');
      ++i;
    }
    const size_t n = i - start;
    if (n == 0 || n > 9) return std::nullopt;
    for (size_t k = n; k < 6; ++k) frac *= 10;
  }

  int offset = 0;
  const bool offset_missing = i == text.size();
  if (offset_missing) {
    if (!offset_optional) return std::nullopt;
  } else if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    if (text.size() - i < 6 || s[i + 3] != ':') return std::nullopt;
    const int oh = read_digits(s + i + 1, 2);
    const int om = read_digits(s + i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset = oh * 60 + om;
    if (s[i] == '-') offset = -offset;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;

  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t local_secs = days * 86'400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
  Timestamp ts;
  ts.micros_utc = (local_secs - int64_t{offset} * 60) * kMicrosPerSecond + frac;
  ts.offset_minutes = static_cast<int16_t>(offset);
  ts.offset_missing = offset_missing;
  return ts;
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  return parse_iso_time(text, false);
}

std::optional<Timestamp> parse_syslog_timestamp(std::string_view text) {
  return parse_iso_time(text, true);
}

std::string format_rfc3339(int64_t micros_utc, bool with_micros) {
  return format_rfc3339(Timestamp{micros_utc, 0}, with_micros);
}

std::string format_rfc3339(const Timestamp& ts, bool with_micros) {
  char buf[64];
  int offset = ts.offset_minutes;
  int64_t local = 0;
  if (__builtin_add_overflow(ts.micros_utc, int64_t{offset} * 60 * kMicrosPerSecond, &local)) {
    local = ts.micros_utc;  // only reachable with nonsense values near the int64 limits
    offset = 0;
  }
  char* p = put_datetime(buf, local, with_micros);
  p = put_offset(p, offset);
  return std::string(buf, p);
}

std::string format_iso_utc_offset(int64_t micros_utc) {
  char buf[64];
  const bool has_frac = micros_utc % kMicrosPerSecond != 0;
  char* p = put_datetime(buf, micros_utc, has_frac);
  for (char c : {'+', '0', '0', ':', '0', '0'}) *p++ = c;
  return std::string(buf, p);
}

int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

double now_epoch_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace decnet::core
