#include "decky/emit/emitter.h"

#include <algorithm>

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

Fields stamp_peer(Fields fields, std::string_view ip_field, const std::string& ip,
                  std::uint16_t port) {
  Fields all;
  all.reserve(fields.size() + 3);
  const auto placed = std::find_if(fields.begin(), fields.end(),
                                   [&](const auto& f) { return f.first == ip_field; });
  if (placed == fields.end()) {
    all.emplace_back(std::string(ip_field), ip);
    all.emplace_back("src_port", std::to_string(port));
  }
  for (auto& f : fields) {
    const bool is_ip = f.first == ip_field;
    all.push_back(std::move(f));
    if (is_ip) all.emplace_back("src_port", std::to_string(port));
  }
  return all;
}

void append_credential(Fields& fields, std::string_view username, std::string_view secret,
                       std::string_view secret_kind, std::string_view outcome) {
  fields.emplace_back("username", std::string(username));
  fields.emplace_back("principal", std::string(username));
  append_secret(fields, secret, secret_kind, outcome);
}

void append_secret(Fields& fields, std::string_view secret, std::string_view secret_kind,
                   std::string_view outcome) {
  const auto encoded = encode_secret(secret);
  if (!outcome.empty()) fields.emplace_back("outcome", std::string(outcome));
  if (!secret_kind.empty()) fields.emplace_back("secret_kind", std::string(secret_kind));
  fields.emplace_back("secret_printable", encoded.printable);
  fields.emplace_back("secret_b64", encoded.b64);
}

}  // namespace decnet::decky
