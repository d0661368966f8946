// SNMP v1 and v2c (RFC 1157, 3416) as an agent decky reads and answers them: the message's
// version, community and PDU with its variable bindings decoded from BER with every length
// checked; SNMPv3 messages are recognised and their USM user name read (no v3 answer is
// given). Answers come from a small MIB view (OIDs in order, each with its encoded value):
// get, get-next, get-bulk (repetitions capped, so an answer stays small) and refused sets, with
// the v1 or v2c error conventions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

using Oid = std::vector<std::uint32_t>;

enum SnmpPdu : unsigned char {
  kSnmpGet = 0xa0,
  kSnmpGetNext = 0xa1,
  kSnmpResponse = 0xa2,
  kSnmpSet = 0xa3,
  kSnmpTrapV1 = 0xa4,
  kSnmpGetBulk = 0xa5,
  kSnmpInform = 0xa6,
  kSnmpTrapV2 = 0xa7,
  kSnmpReport = 0xa8,
};

struct SnmpValue {
  unsigned char tag = 0x05;  // NULL
  std::string contents;
};

struct SnmpBinding {
  Oid oid;
  SnmpValue value;
};

struct SnmpMessage {
  std::int64_t version = 0;  // 0 v1, 1 v2c, 3 v3
  std::string community;     // v1, v2c
  std::string v3_user;       // v3: the USM user name, when the message carries one
  unsigned char pdu = 0;
  std::int64_t request_id = 0;
  std::int64_t error_status = 0;  // get-bulk: non-repeaters
  std::int64_t error_index = 0;   // get-bulk: max-repetitions
  std::vector<SnmpBinding> bindings;
};

inline constexpr std::size_t kMaxSnmpBindings = 64;
inline constexpr std::int64_t kMaxBulkRepetitions = 10;

// The MIB view an agent answers from, in OID order.
using SnmpMib = std::map<Oid, SnmpValue>;

std::optional<SnmpMessage> parse_snmp_message(std::string_view datagram);

std::string oid_text(const Oid& oid);  // "1.3.6.1.2.1.1.1.0"
std::optional<Oid> parse_oid(std::string_view contents);
std::string encode_oid(const Oid& oid);

// Values as the MIB holds them.
SnmpValue snmp_string(std::string_view text);
SnmpValue snmp_integer(std::int64_t v);
SnmpValue snmp_oid(const Oid& oid);
SnmpValue snmp_timeticks(std::uint32_t centiseconds);

// The GetResponse to a v1 or v2c get, get-next, get-bulk or set, at most `max_bytes` long
// (a get-bulk answers with fewer bindings, anything else with tooBig); empty for other PDUs.
std::string snmp_answer(const SnmpMessage& request, const SnmpMib& mib, std::size_t max_bytes);

}  // namespace decnet::decky
