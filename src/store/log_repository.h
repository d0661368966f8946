// Raw events (`logs`) and the lines that could not be parsed (`dead_letters`). Every received
// line ends in exactly one of the two tables.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

struct LogRecord {
  std::int64_t timestamp = 0;             // event time, microseconds UTC
  std::int64_t received_at = 0;           // when DECNET received it
  bool timestamp_estimated = false;       // the line's own timestamp was missing or invalid
  bool timestamp_offset_missing = false;  // it had no UTC offset and was read as UTC
  std::string decky;
  std::string service;
  std::string event_type;
  std::optional<std::string> attacker_ip;   // NULL when no address could be attributed
  std::optional<std::int64_t> attacker_id;  // the attacker row of that address (attackers.id)
  std::string raw_line;
  std::string fields = "{}";  // JSON object of the relay@55555 parameters
  std::optional<std::string> msg;
  std::optional<std::string> sd_other;  // JSON object of any other SD elements
};

struct LogRow : LogRecord {
  std::int64_t id = 0;
  std::optional<std::string> attacker_uuid;  // the public id of attacker_id's row
};

struct LogQuery {
  PageRequest page;
  std::optional<std::string> decky;
  std::optional<std::string> service;
  std::optional<std::string> event_type;
  std::optional<std::string> attacker_ip;
  std::optional<std::string> attacker_uuid;
  std::optional<std::int64_t> start;     // timestamp >= start
  std::optional<std::int64_t> end;       // timestamp <= end
  std::optional<std::int64_t> after_id;  // id > after_id (stream resumption)
  // Space-separated terms, all required: `key:value` on decky, service, event (type),
  // attacker / attacker_ip, or any other key as a field of `fields`; a bare word matches a
  // substring of the raw line, decky, service or attacker IP. "Double quotes" keep spaces in
  // one term. At most kMaxSearchTerms terms (split_search_terms); callers refuse more.
  std::string search;
  bool newest_first = true;
};

// Each term is a scan condition over the whole table: past a few, a search costs more than any
// operator needs and becomes a way to keep the database busy.
inline constexpr std::size_t kMaxSearchTerms = 16;

// The terms of a LogQuery::search text, in order.
std::vector<std::string> split_search_terms(std::string_view text);

struct HistogramBucket {
  std::int64_t start = 0;  // microseconds UTC, aligned to the bucket width
  std::int64_t count = 0;
};

class LogRepository {
 public:
  virtual ~LogRepository() = default;
  // Inserts rows in order; returns the id of the first (ids are consecutive).
  virtual std::int64_t insert(WriteScope& scope, std::span<const LogRecord> rows) = 0;
  virtual Page<LogRow> list(const LogQuery& query) = 0;
  virtual std::optional<LogRow> get(std::int64_t id) = 0;
  // Buckets of `bucket_seconds` over the query's filters (its page is ignored), oldest first.
  virtual std::vector<HistogramBucket> histogram(const LogQuery& query,
                                                 std::int64_t bucket_seconds) = 0;
  virtual std::int64_t count() = 0;
  // The highest id given so far (0 for an empty table).
  virtual std::int64_t last_id() = 0;
};

struct DeadLetterRecord {
  std::int64_t received_at = 0;
  std::string source;  // receiver: tcp, tls, udp, unix, file, replay
  std::optional<std::string> peer;
  std::string reason;
  std::string raw;  // bytes as received (capped by the receiver's line limit)
  bool raw_truncated = false;
};

struct DeadLetter : DeadLetterRecord {
  std::int64_t id = 0;
};

class DeadLetterRepository {
 public:
  virtual ~DeadLetterRepository() = default;
  virtual std::int64_t insert(WriteScope& scope, const DeadLetterRecord& record) = 0;
  virtual Page<DeadLetter> list(const PageRequest& page) = 0;
  virtual std::int64_t count() = 0;
};

}  // namespace decnet::store
