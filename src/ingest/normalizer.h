// Turns a parsed syslog line into a NormalizedEvent: which decky, which service, what happened,
// who did it. The reference collector did this with regexes and produced a string "Unknown" for
// missing attackers, `2001:db8:` for a bare IPv6 source, and empty fields for shell commands;
// here every attacker candidate must be a real address (strict parsing, canonical text,
// IPv4-mapped reported as IPv4), `ip:port` and `[v6]:port` are split, and bash `CMD` lines get
// their uid/user/src/pwd/command fields as the reference's correlation parser extracted them.
//
// Shapes handled besides a plain DECNET line: the rsyslog/Docker double wrap (`... host 1 - - -
// <inner RFC 5424 header and SD> MSG`), whose inner header names the decky, service and event
// while the outer timestamp is kept; and RFC 3164 lines (event_type "-"). Never throws.
#pragma once

#include <cstdint>
#include <string_view>

#include "ingest/normalized_event.h"
#include "ingest/syslog_message.h"

namespace decnet::ingest {

// `msg` must have been filled by parse_syslog() from `raw_line`. `received_at` (microseconds
// UTC) stands in for a missing or invalid timestamp, with timestamp_estimated set; an RFC 3164
// time is read in the year closest to received_at, also flagged as estimated. `out` is
// overwritten; reusing it across lines keeps its buffers.
void normalize(const SyslogMessage& msg, std::string_view raw_line, std::int64_t received_at,
               NormalizedEvent& out);

}  // namespace decnet::ingest
