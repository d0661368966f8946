// The one line every decky service emits for every interaction: RFC 5424 with facility local0,
// the decky's name as HOSTNAME, the service as APP-NAME, the event type as MSGID and the fields
// as the single `relay@55555` structured-data element, in the order the emitter gives them. It is
// the reference's wire format byte for byte, so a Python DECNET master ingests it unchanged.
//
// Values are attacker-controlled. Besides the RFC's escapes (`\`, `"`, `]`), every byte below
// 0x20 and 0x7f becomes `?`, so no value can end the line or forge a second one; bytes of 0x80
// and above pass through, as the reference's session recorder lets them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::decky {

// A line's structured-data parameters, in order.
using Fields = std::vector<std::pair<std::string, std::string>>;

enum class Severity : int { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

struct SyslogRecord {
  std::int64_t time_micros = 0;  // UTC
  Severity severity = Severity::kInfo;
  std::string hostname;  // the decky's name
  std::string app;       // the service
  std::string msgid;     // the event type
  Fields fields;
  std::string msg;  // free text after the structured data; empty: none
};

// The line, without a trailing newline. HOSTNAME is cut to 255 bytes, APP-NAME to 48, MSGID to
// 32 (empty: "-"); field names keep only [A-Za-z0-9_].
std::string format_syslog_line(const SyslogRecord& record);

// An SD-PARAM value escaped for the line.
std::string escape_sd_value(std::string_view value);

// A captured secret as the master reads it: printable keeps each byte in [0x20, 0x7f) and turns
// the others into '?'; b64 is the standard, padded base64 of the raw bytes.
struct EncodedSecret {
  std::string printable;
  std::string b64;
};
EncodedSecret encode_secret(std::string_view raw);

}  // namespace decnet::decky
