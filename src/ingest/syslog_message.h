// A parsed syslog line: RFC 5424 (with any number of SD elements and the \" \\ \] escapes) or,
// as a fallback, RFC 3164. Parsing is zero-copy: the views point into the line or, for values
// that contained escapes, into the message's own scratch buffer. Reusing one SyslogMessage for
// many lines keeps parsing free of allocations.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace decnet::ingest {

enum class SyslogFormat { kRfc5424, kRfc3164 };

struct SdParam {
  std::string_view name;
  std::string_view value;  // unescaped
};

struct SdElement {
  std::string_view id;
  std::size_t first_param = 0;  // index into SyslogMessage::params
  std::size_t param_count = 0;
};

class SyslogMessage {
 public:
  SyslogFormat format = SyslogFormat::kRfc5424;
  int pri = -1;  // -1 when absent (3164 without PRI)
  int version = 0;
  std::string_view timestamp_text;           // as received; "-" for NILVALUE
  std::optional<core::Timestamp> timestamp;  // nullopt when NILVALUE or invalid
  bool timestamp_invalid = false;            // present but not a valid RFC 3339 time
  std::string_view hostname;                 // "-" is NILVALUE
  std::string_view app_name;
  std::string_view procid;
  std::string_view msgid;
  std::vector<SdElement> elements;
  std::vector<SdParam> params;
  std::string_view msg;  // BOM removed
  bool msg_had_bom = false;

  // Holds unescaped values; reserved to the line's size so views stay valid.
  std::string scratch;

  // Copying would leave scratch views pointing into the source message.
  SyslogMessage() = default;
  SyslogMessage(const SyslogMessage&) = delete;
  SyslogMessage& operator=(const SyslogMessage&) = delete;
  SyslogMessage(SyslogMessage&&) = delete;
  SyslogMessage& operator=(SyslogMessage&&) = delete;

  static constexpr std::string_view kNil = "-";

  std::span<const SdParam> params_of(const SdElement& e) const {
    return {params.data() + e.first_param, e.param_count};
  }
  // The first element with this SD-ID, or nullptr.
  const SdElement* element(std::string_view id) const {
    for (const auto& e : elements) {
      if (e.id == id) return &e;
    }
    return nullptr;
  }
  // Forgets the previous line but keeps every buffer's capacity.
  void clear() {
    format = SyslogFormat::kRfc5424;
    pri = -1;
    version = 0;
    timestamp_text = {};
    timestamp.reset();
    timestamp_invalid = false;
    hostname = app_name = procid = msgid = kNil;
    elements.clear();
    params.clear();
    msg = {};
    msg_had_bom = false;
    scratch.clear();
  }
};

}  // namespace decnet::ingest
