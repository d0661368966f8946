// Timestamps as integer microseconds since the Unix epoch (UTC), which is what the store keeps
// and the correlators compare. RFC 3339 / RFC 5424 TIMESTAMP text is parsed and formatted by hand
// with days-from-civil arithmetic: this runs once per syslog line, so no locale, no iostreams,
// no std::get_time, no time zone database, and no allocation when parsing.
//
// Leap seconds (":60") are rejected: RFC 5424 forbids them in TIMESTAMP, none has occurred since
// 2016 and they are being abolished, so a ":60" is treated as a malformed line, not clamped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::core {

struct Timestamp {
  int64_t micros_utc = 0;       // microseconds since 1970-01-01T00:00:00Z
  int16_t offset_minutes = 0;   // the sender's UTC offset, kept so the text can be reproduced
  bool offset_missing = false;  // the text had no offset and was read as UTC

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// "YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|+HH:MM|-HH:MM)". "t" and "z" are accepted in lowercase.
// Years 0000-9999 (proleptic Gregorian), days checked against the month and leap years, hours
// 00-23, minutes and seconds 00-59, offsets up to +-23:59. Fractions beyond microseconds are
// truncated (toward the past). "-00:00" is read as UTC. Anything else, including the RFC 5424
// NILVALUE "-" and trailing characters, yields nullopt.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// A syslog TIMESTAMP as senders really write it: RFC 3339, or the same without any offset
// ("2026-05-02T06:22:48.089309"), which Python's isoformat() and many emitters produce and which
// is read as UTC with offset_missing set, as rsyslog and the reference read it.
std::optional<Timestamp> parse_syslog_timestamp(std::string_view text);

// "2026-01-02T03:04:05.123456Z"; without micros "2026-01-02T03:04:05Z" (the fraction is
// truncated toward the past).
std::string format_rfc3339(int64_t micros_utc, bool with_micros = true);
// The parsed value back in its own offset: "2026-01-02T05:04:05.123456+02:00", "...Z" when the
// offset is zero.
std::string format_rfc3339(const Timestamp& ts, bool with_micros = true);

// Python's datetime.isoformat() for an aware UTC value, the webhook body format:
// "YYYY-MM-DDTHH:MM:SS+00:00", or "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" when micros are non-zero.
std::string format_iso_utc_offset(int64_t micros_utc);

int64_t now_micros();
double now_epoch_seconds();

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31), and back.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};
CivilDate civil_from_days(int64_t days);

}  // namespace decnet::core
