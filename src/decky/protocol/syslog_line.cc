#include "decky/protocol/syslog_line.h"

#include "core/base64.h"
#include "core/time.h"

namespace decnet::decky {
namespace {

constexpr int kLocal0 = 16;

void append_header_field(std::string& out, std::string_view value, std::size_t max) {
  if (value.empty()) {
    out += '-';
    return;
  }
  // Header fields are PRINTUSASCII without spaces; anything else would shift the fields.
  for (std::size_t i = 0; i < value.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    out += (c > 0x20 && c < 0x7f) ? static_cast<char>(c) : '_';
  }
}

}  // namespace

std::string escape_sd_value(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 8);
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
      continue;
    }
    if (ch == '\\' || ch == '"' || ch == ']') out += '\\';
    out += ch;
  }
  return out;
}

std::string format_syslog_line(const SyslogRecord& r) {
  std::string out;
  out.reserve(160 + r.msg.size());
  out += '<';
  out += std::to_string(kLocal0 * 8 + static_cast<int>(r.severity));
  out += ">1 ";
  out += core::format_iso_utc_offset(r.time_micros);
  out += ' ';
  append_header_field(out, r.hostname, 255);
  out += ' ';
  append_header_field(out, r.app, 48);
  out += " - ";
  append_header_field(out, r.msgid, 32);
  out += ' ';
  if (r.fields.empty()) {
    out += '-';
  } else {
    out += "[relay@55555";
    for (const auto& [name, value] : r.fields) {
      out += ' ';
      for (const char c : name) {
        const bool word =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (word) out += c;
      }
      out += "=\"";
      out += escape_sd_value(value);
      out += '"';
    }
    out += ']';
  }
  if (!r.msg.empty()) {
    out += ' ';
    for (const char ch : r.msg) {
      const auto c = static_cast<unsigned char>(ch);
      out += (c < 0x20 || c == 0x7f) ? '?' : ch;
    }
  }
  return out;
}

EncodedSecret encode_secret(std::string_view raw) {
  EncodedSecret out;
  out.printable.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    out.printable += (c >= 0x20 && c < 0x7f) ? ch : '?';
  }
  out.b64 = core::base64_encode(raw);
  return out;
}

}  // namespace decnet::decky
