// The syslog parser every received line goes through first. It must keep up with the whole
// fleet on one core and must survive whatever a hostile peer writes to the receivers, so it is a
// hand-written single pass over the bytes: no regex, no exceptions, no allocation once the
// SyslogMessage's buffers have grown, and every index checked against the line's end.
//
// RFC 5424 is parsed completely and escape-aware (the reference's regex stopped the
// STRUCTURED-DATA at the first `]`, even an escaped one, and lost the parameters after it).
// Two leniencies keep real fleet lines out of the dead-letter table: over-long header fields are
// accepted as they are, and text after MSGID that is neither `-` nor `[` is taken as MSG. An
// invalid TIMESTAMP is not a failure either: it is flagged so the caller can use receive time.
// RFC 3164 (`<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`) is the fallback; a line without PRI is
// a failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/syslog_message.h"

namespace decnet::ingest {

// Parses one line (trailing CR/LF ignored). On failure returns false, sets *error (when not
// null) to a short reason and leaves `out` partly filled. Never throws.
bool parse_syslog(std::string_view line, SyslogMessage& out, std::string* error);

// Parses what follows `<PRI>VERSION SP` in RFC 5424: `TIMESTAMP SP HOSTNAME SP APP-NAME SP
// PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`. Used for lines another relay re-wrapped as the
// MSG of its own header. pri and version are left at -1 and 0.
bool parse_rfc5424_header_tail(std::string_view text, SyslogMessage& out, std::string* error);

// The time of an RFC 3164 TIMESTAMP ("Mmm dd hh:mm:ss", which has neither year nor zone) read as
// UTC in the year that puts it closest to `near_micros`. nullopt if the text is not one.
std::optional<std::int64_t> rfc3164_time_micros(std::string_view text, std::int64_t near_micros);

}  // namespace decnet::ingest
