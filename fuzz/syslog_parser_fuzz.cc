// Fuzzes the syslog parser and the normalizer, the first code that touches bytes from any peer
// that can reach a receiver. Both must accept anything without crashing; a parsed message's
// views must all lie inside the line or the message's scratch buffer (or be the static NILVALUE); a
// failure must say why; and normalizing must leave an attacker address only when it is non-empty
// canonical text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "fuzz_support.h"
#include "ingest/normalizer.h"
#include "ingest/syslog_parser.h"

namespace {

using decnet::fuzz::check;
using decnet::ingest::SyslogMessage;

bool inside(std::string_view v, std::string_view area) {
  if (v.empty()) return true;
  return v.data() >= area.data() && v.data() + v.size() <= area.data() + area.size();
}

void check_views(const SyslogMessage& m, std::string_view line) {
  const std::string_view scratch(m.scratch.data(), m.scratch.capacity());
  const auto ok = [&](std::string_view v) {
    return inside(v, line) || inside(v, scratch) || v == SyslogMessage::kNil;
  };
  check(ok(m.timestamp_text) && ok(m.hostname) && ok(m.app_name) && ok(m.procid) && ok(m.msgid) &&
        ok(m.msg));
  check(m.scratch.size() <= line.size());
  std::size_t covered = 0;
  for (const auto& e : m.elements) {
    check(ok(e.id) && e.first_param == covered);
    covered += e.param_count;
  }
  check(covered == m.params.size());
  for (const auto& p : m.params) check(inside(p.name, line) && ok(p.value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static SyslogMessage message;  // reused, as the pipeline does
  static decnet::ingest::NormalizedEvent event;
  // A private copy, so a read past the end is caught by ASan at the exact byte.
  const std::string line(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (!decnet::ingest::parse_syslog(line, message, &error)) {
    check(!error.empty());
    return 0;
  }
  check_views(message, line);
  decnet::ingest::normalize(message, line, 1'700'000'000'000'000, event);
  if (event.attacker_ip) {
    const auto ip = decnet::core::IpAddress::parse(*event.attacker_ip);
    check(ip.has_value() && ip->str() == *event.attacker_ip && !ip->is_v4_mapped());
  }
  return 0;
}
