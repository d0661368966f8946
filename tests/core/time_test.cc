// RFC 3339 / RFC 5424 TIMESTAMP parsing and formatting. Expected instants were cross-checked with
// Python's datetime. The calendar arithmetic is checked against a naive day-by-day walk over
// years 0000-9999, and parse/format are round-tripped over random instants.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "core/time.h"

namespace decnet::core {
namespace {

TEST(TimeParseTest, ValidTimestamps) {
  struct Case {
    std::string_view text;
    int64_t micros;
    int offset;
  };
  const Case cases[] = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"1970-01-01T00:00:00.000001Z", 1, 0},
      {"1969-12-31T23:59:59.999999Z", -1, 0},
      {"1985-04-12T23:20:50.52Z", 482196050520000, 0},
      {"1985-04-12T19:20:50.52-04:00", 482196050520000, -240},
      {"1996-12-19T16:39:57-08:00", 851042397000000, -480},
      {"2003-10-11T22:14:15.003Z", 1065910455003000, 0},
      {"2003-08-24T05:14:15.000003-07:00", 1061727255000003, -420},
      {"2026-01-02T03:04:05.123456Z", 1767323045123456, 0},
      {"2026-01-02T03:04:05.123456z", 1767323045123456, 0},
      {"2026-01-02t03:04:05.123456Z", 1767323045123456, 0},
      {"2026-01-02T08:34:05.123456+05:30", 1767323045123456, 330},
      {"2026-01-02T03:04:05.123456+00:00", 1767323045123456, 0},
      {"2026-01-02T03:04:05.123456-00:00", 1767323045123456, 0},
      {"2026-01-02T03:04:05.1234567Z", 1767323045123456, 0},    // truncated
      {"2026-01-02T03:04:05.123456999Z", 1767323045123456, 0},  // truncated, 9 digits
      {"2026-01-02T03:04:05.1Z", 1767323045100000, 0},
      {"2026-01-02T03:04:05.000Z", 1767323045000000, 0},
      {"2024-02-29T12:00:00+05:30", 1709188200000000, 330},
      {"2000-02-29T00:00:00Z", 951782400000000, 0},
      {"0001-01-01T00:00:00Z", -62135596800000000, 0},
      {"9999-12-31T23:59:59.999999Z", 253402300799999999, 0},
      {"2026-12-31T23:59:59+23:59", 1798761599000000 - (23 * 60 + 59) * 60000000LL, 1439},
      {"2026-12-31T23:59:59-23:59", 1798761599000000 + (23 * 60 + 59) * 60000000LL, -1439},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    const auto ts = parse_rfc3339(c.text);
    ASSERT_TRUE(ts.has_value());
    EXPECT_EQ(ts->micros_utc, c.micros);
    EXPECT_EQ(ts->offset_minutes, c.offset);
  }
}

TEST(TimeParseTest, InvalidTimestamps) {
  const std::string_view cases[] = {
      "",
      "-",  // RFC 5424 NILVALUE
      "2026-02-30T00:00:00Z",
      "2026-02-29T00:00:00Z",  // not a leap year
      "1900-02-29T00:00:00Z",  // century, not a leap year
      "2026-04-31T00:00:00Z",
      "2026-06-31T00:00:00Z",
      "2026-09-31T00:00:00Z",
      "2026-11-31T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-01T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T23:60:00Z",
      "2026-01-01T23:59:60Z",  // leap second: rejected by design
      "2016-12-31T23:59:60Z",
      "2026-01-01T23:59:61Z",
      "2026-01-01T00:00:00",  // no offset
      "2026-01-01T00:00:00.Z",
      "2026-01-01T00:00:00.1234567890Z",  // more than 9 fraction digits
      "2026-01-01T00:00:00,5Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00+05:60",
      "2026-01-01T00:00:00+0500",
      "2026-01-01T00:00:00+05",
      "2026-01-01T00:00:00+5:00",
      "2026-01-01T00:00:00+05:00:00",
      "2026-01-01T00:00:00ZZ",
      "2026-01-01T00:00:00Z ",
      " 2026-01-01T00:00:00Z",
      "2026-01-01 00:00:00Z",
      "2026-01-01_00:00:00Z",
      "2026/01/01T00:00:00Z",
      "2026-01-01T00-00-00Z",
      "26-01-01T00:00:00Z",
      "12026-01-01T00:00:00Z",
      "+2026-01-01T00:00:00Z",
      "2026-1-01T00:00:00Z",
      "2026-01-1T00:00:00Z",
      "2026-01-01T0:00:00Z",
      "2026-01-01T00:00:0Z",
      "2026-0a-01T00:00:00Z",
      "2026-01-01T00:00:00UTC",
      "2026-01-01T00:00:00GMT",
      "2026-01-01",
      "2026-01-01T00:00Z",
      "Jan  1 00:00:00",
      "2026-01-01T00:00:00.5",
      "2026-01-01T00:00:00.-5Z",
      "2026-01-01T00:00:00.+5Z",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    EXPECT_FALSE(parse_rfc3339(c).has_value());
  }
  EXPECT_FALSE(parse_rfc3339(std::string("2026-01-01T00:00:00Z\0", 21)).has_value());
  EXPECT_FALSE(parse_rfc3339(std::string("2026-01-01T00:00:00\0Z", 21)).has_value());
}

TEST(TimeParseTest, SyslogTimeWithoutOffsetIsUtcAndFlagged) {
  const auto bare = parse_syslog_timestamp("2026-05-02T06:22:48.089309");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->micros_utc, parse_rfc3339("2026-05-02T06:22:48.089309Z")->micros_utc);
  EXPECT_TRUE(bare->offset_missing);
  const auto zoned = parse_syslog_timestamp("2026-05-02T08:22:48+02:00");
  ASSERT_TRUE(zoned);
  EXPECT_FALSE(zoned->offset_missing);
  EXPECT_EQ(zoned->micros_utc, parse_rfc3339("2026-05-02T06:22:48Z")->micros_utc);
  EXPECT_TRUE(parse_syslog_timestamp("2026-05-02T06:22:48"));
  // Only the offset may be missing; everything else is as strict as RFC 3339.
  for (const auto* bad : {"2026-05-02T06:22", "2026-05-02T06:22:48.", "2026-05-02 06:22:48",
                          "2026-05-02T06:22:48+0200", "2026-05-02T06:22:60"}) {
    EXPECT_FALSE(parse_syslog_timestamp(bad)) << bad;
  }
  EXPECT_FALSE(parse_rfc3339("2026-05-02T06:22:48.089309"));  // strict where strict is asked
}

TEST(TimeParseTest, DaysPerMonthEveryMonth) {
  struct Case {
    int year;
    int month;
    int days;
  };
  const Case cases[] = {{2026, 1, 31},  {2026, 2, 28},  {2024, 2, 29}, {2000, 2, 29},
                        {1900, 2, 28},  {2026, 3, 31},  {2026, 4, 30}, {2026, 5, 31},
                        {2026, 6, 30},  {2026, 7, 31},  {2026, 8, 31}, {2026, 9, 30},
                        {2026, 10, 31}, {2026, 11, 30}, {2026, 12, 31}};
  for (const Case& c : cases) {
    char last[32];
    char over[32];
    std::snprintf(last, sizeof last, "%04d-%02d-%02dT12:00:00Z", c.year, c.month, c.days);
    std::snprintf(over, sizeof over, "%04d-%02d-%02dT12:00:00Z", c.year, c.month, c.days + 1);
    SCOPED_TRACE(last);
    EXPECT_TRUE(parse_rfc3339(last).has_value());
    EXPECT_FALSE(parse_rfc3339(over).has_value());
  }
}

TEST(TimeFormatTest, Rfc3339Utc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339(0, false), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1767323045123456), "2026-01-02T03:04:05.123456Z");
  EXPECT_EQ(format_rfc3339(1767323045123456, false), "2026-01-02T03:04:05Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_rfc3339(-1, false), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(951782400000000), "2000-02-29T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339(-62135596800000000), "0001-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339(253402300799999999), "9999-12-31T23:59:59.999999Z");
}

TEST(TimeFormatTest, ExtremeValuesDoNotCrash) {
  EXPECT_FALSE(format_rfc3339(INT64_MIN).empty());
  EXPECT_FALSE(format_rfc3339(INT64_MAX).empty());
  EXPECT_FALSE(format_rfc3339(Timestamp{INT64_MAX, 600}).empty());
  EXPECT_FALSE(format_rfc3339(Timestamp{INT64_MIN, -600}).empty());
  EXPECT_FALSE(format_iso_utc_offset(INT64_MIN).empty());
}

TEST(TimeFormatTest, WithOffsetRoundTripsText) {
  const std::string_view cases[] = {
      "2026-01-02T08:34:05.123456+05:30", "2003-08-24T05:14:15.000003-07:00",
      "1996-12-19T16:39:57.000000-08:00", "2026-01-02T03:04:05.123456Z",
      "2026-12-31T23:59:59.999999+23:59", "2026-01-01T00:00:00.000000-23:59",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(std::string(c));
    const auto ts = parse_rfc3339(c);
    ASSERT_TRUE(ts.has_value());
    EXPECT_EQ(format_rfc3339(*ts), c);
  }
  const auto ts = parse_rfc3339("1996-12-19T16:39:57-08:00");
  EXPECT_EQ(format_rfc3339(*ts, false), "1996-12-19T16:39:57-08:00");
  EXPECT_EQ(format_rfc3339(ts->micros_utc, false), "1996-12-20T00:39:57Z");
}

TEST(TimeFormatTest, IsoUtcOffset) {
  EXPECT_EQ(format_iso_utc_offset(0), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(format_iso_utc_offset(1500000), "1970-01-01T00:00:01.500000+00:00");
  EXPECT_EQ(format_iso_utc_offset(1767323045123456), "2026-01-02T03:04:05.123456+00:00");
  EXPECT_EQ(format_iso_utc_offset(1767323045000000), "2026-01-02T03:04:05+00:00");
  EXPECT_EQ(format_iso_utc_offset(1767323045000001), "2026-01-02T03:04:05.000001+00:00");
  EXPECT_EQ(format_iso_utc_offset(-1), "1969-12-31T23:59:59.999999+00:00");
}

TEST(TimeCalendarTest, MatchesNaiveWalkForYears0To9999) {
  auto leap = [](int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t days = days_from_civil(0, 1, 1);
  EXPECT_EQ(days, -719528);
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  for (int64_t y = 0; y <= 9999; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned n = m == 2 && leap(y) ? 29 : kDays[m - 1];
      for (unsigned d = 1; d <= n; ++d) {
        ASSERT_EQ(days_from_civil(y, m, d), days) << y << "-" << m << "-" << d;
        const CivilDate c = civil_from_days(days);
        ASSERT_EQ(c.year, y);
        ASSERT_EQ(c.month, m);
        ASSERT_EQ(c.day, d);
        ++days;
      }
    }
  }
}

TEST(TimeCalendarTest, NegativeYears) {
  const CivilDate c = civil_from_days(days_from_civil(-1, 12, 31));
  EXPECT_EQ(c.year, -1);
  EXPECT_EQ(c.month, 12u);
  EXPECT_EQ(c.day, 31u);
  EXPECT_EQ(days_from_civil(-1, 12, 31) + 1, days_from_civil(0, 1, 1));
}

TEST(TimeRoundTripTest, RandomInstants) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> dist(-62167219200000000, 253402300799999999);
  std::uniform_int_distribution<int> offsets(-1439, 1439);
  for (int i = 0; i < 200000; ++i) {
    const int64_t micros = dist(rng);
    const std::string s = format_rfc3339(micros);
    const auto ts = parse_rfc3339(s);
    ASSERT_TRUE(ts.has_value()) << s;
    ASSERT_EQ(ts->micros_utc, micros) << s;
    ASSERT_EQ(ts->offset_minutes, 0);
    const auto iso = parse_rfc3339(format_iso_utc_offset(micros));
    ASSERT_TRUE(iso.has_value());
    ASSERT_EQ(iso->micros_utc, micros);
    const Timestamp with_offset{micros, static_cast<int16_t>(offsets(rng))};
    const std::string local = format_rfc3339(with_offset);
    const auto back = parse_rfc3339(local);
    if (!back) {
      // Only the representable window (years 0000-9999 in local time) is expected to parse.
      ASSERT_TRUE(local.starts_with("-") || local.starts_with("10000-")) << local;
      continue;
    }
    ASSERT_EQ(*back, with_offset) << local;
  }
}

TEST(TimeNowTest, Sane) {
  const int64_t a = now_micros();
  const double s = now_epoch_seconds();
  const int64_t b = now_micros();
  EXPECT_GT(a, int64_t{1704067200} * 1000000);  // after 2024-01-01
  EXPECT_LE(a, b);
  EXPECT_NEAR(s, static_cast<double>(a) / 1e6, 5.0);
}

}  // namespace
}  // namespace decnet::core
