#include "decky/emit/emitter.h"

#include "core/time.h"

namespace decnet::decky {
namespace {

void cut(std::string& value, std::size_t max) {
  if (value.size() <= max) return;
  value.resize(max);
  // Not in the middle of a UTF-8 sequence.
  while (!value.empty() && (static_cast<unsigned char>(value.back()) & 0xc0) == 0x80) {
    value.pop_back();
  }
  if (!value.empty() && static_cast<unsigned char>(value.back()) >= 0xc0) value.pop_back();
}

}  // namespace

void Emitter::emit(std::string_view service, std::string_view event_type, Fields fields,
                   Severity severity, std::string msg) {
  SyslogRecord r;
  r.time_micros = core::now_micros();
  r.severity = severity;
  r.hostname = decky_;
  r.app = std::string(service);
  r.msgid = std::string(event_type);
  for (auto& [_, value] : fields) cut(value, kMaxValueBytes);
  cut(msg, kMaxValueBytes);
  r.fields = std::move(fields);
  r.msg = std::move(msg);
  auto line = format_syslog_line(r);
  if (line.size() > kMaxLineBytes) {
    for (auto& [_, value] : r.fields) cut(value, kMaxLineBytes / (2 * r.fields.size() + 2));
    line = format_syslog_line(r);
  }
  spool_.append(line);
  ++emitted_;
  if (on_append_) on_append_();
}

void append_credential(Fields& fields, std::string_view username, std::string_view secret,
                       std::string_view secret_kind, std::string_view outcome) {
  const auto encoded = encode_secret(secret);
  fields.emplace_back("username", std::string(username));
  fields.emplace_back("principal", std::string(username));
  if (!outcome.empty()) fields.emplace_back("outcome", std::string(outcome));
  if (!secret_kind.empty()) fields.emplace_back("secret_kind", std::string(secret_kind));
  fields.emplace_back("secret_printable", encoded.printable);
  fields.emplace_back("secret_b64", encoded.b64);
}

}  // namespace decnet::decky
