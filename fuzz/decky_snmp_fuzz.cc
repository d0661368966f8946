// Fuzzes the decky's SNMP agent: any datagram is decoded or refused, and an answer from a view
// never exceeds the bound it is given, whatever the repetitions or bindings asked for.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/snmp_message.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto m = d::parse_snmp_message(input);
  if (!m) return 0;
  check(m->bindings.size() <= d::kMaxSnmpBindings);
  for (const auto& b : m->bindings) check(d::parse_oid(d::encode_oid(b.oid)).has_value());
  static const d::SnmpMib mib = [] {
    d::SnmpMib v;
    v[{1, 3, 6, 1, 2, 1, 1, 1, 0}] = d::snmp_string(std::string(200, 'L'));
    v[{1, 3, 6, 1, 2, 1, 1, 3, 0}] = d::snmp_timeticks(123456);
    v[{1, 3, 6, 1, 2, 1, 1, 5, 0}] = d::snmp_string("srv01");
    return v;
  }();
  const std::size_t bound = 484 > 3 * size ? 484 : 3 * size;
  const auto answer = d::snmp_answer(*m, mib, bound);
  // A tooBig answer carries no binding; only a community longer than the bound can exceed it.
  check(answer.size() <= bound || m->community.size() + 64 > bound);
  return 0;
}
