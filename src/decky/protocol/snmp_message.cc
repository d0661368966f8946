#include "decky/protocol/snmp_message.h"

#include <algorithm>

#include "decky/protocol/ber.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxDatagram = 65'535;
constexpr std::size_t kMaxArcs = 128;
constexpr unsigned char kTimeTicks = 0x43;
constexpr unsigned char kNoSuchObject = 0x80, kEndOfMibView = 0x82;
constexpr std::int64_t kTooBig = 1, kNoSuchName = 2, kNotWritable = 17;

std::optional<std::vector<SnmpBinding>> parse_bindings(std::string_view contents) {
  std::vector<SnmpBinding> out;
  BerReader list(contents, kMaxDatagram);
  while (!list.empty()) {
    const auto binding = list.next(kBerSequence);
    if (!binding || out.size() >= kMaxSnmpBindings) return std::nullopt;
    BerReader b(*binding, kMaxDatagram);
    const auto name = b.next(kBerOid);
    const auto value = b.next();
    if (!name || !value) return std::nullopt;
    auto oid = parse_oid(*name);
    if (!oid) return std::nullopt;
    out.push_back({std::move(*oid), {value->tag, std::string(value->contents)}});
  }
  return out;
}

// SNMPv3: msgGlobalData, then the USM parameters as an OCTET STRING holding a SEQUENCE whose
// fourth element is the user name.
std::string v3_user(BerReader& r) {
  if (!r.next(kBerSequence)) return {};
  const auto security = r.next(kBerOctetString);
  r.next();  // the flags and model live in msgGlobalData; the parameters come next
  if (!security) return {};
  BerReader outer(*security, kMaxDatagram);
  const auto usm = outer.next(kBerSequence);
  if (!usm) return {};
  BerReader u(*usm, kMaxDatagram);
  u.next(kBerOctetString);  // engine id
  u.next(kBerInteger);      // engine boots
  u.next(kBerInteger);      // engine time
  const auto user = u.next(kBerOctetString);
  return user ? std::string(user->substr(0, 64)) : std::string();
}

std::string encode_bindings(const std::vector<SnmpBinding>& bindings) {
  std::string list;
  for (const auto& b : bindings) {
    list += ber_tlv(kBerSequence,
                    ber_tlv(kBerOid, encode_oid(b.oid)) + ber_tlv(b.value.tag, b.value.contents));
  }
  return ber_tlv(kBerSequence, list);
}

// The binding after `oid` in the view, or the end marker.
std::optional<SnmpBinding> next_after(const SnmpMib& mib, const Oid& oid) {
  const auto it = mib.upper_bound(oid);
  if (it == mib.end()) return std::nullopt;
  return SnmpBinding{it->first, it->second};
}

}  // namespace

std::optional<Oid> parse_oid(std::string_view contents) {
  if (contents.empty()) return std::nullopt;
  Oid out;
  std::uint64_t arc = 0;
  bool in_arc = false;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    const auto c = static_cast<unsigned char>(contents[i]);
    if (!in_arc && c == 0x80) return std::nullopt;  // non-minimal encoding
    arc = (arc << 7) | (c & 0x7f);
    in_arc = true;
    if (arc > 0xffffffffu) return std::nullopt;
    if (c & 0x80) continue;
    if (out.empty()) {
      const auto first = arc < 80 ? arc / 40 : 2;
      out.push_back(static_cast<std::uint32_t>(first));
      out.push_back(static_cast<std::uint32_t>(arc - first * 40));
    } else {
      out.push_back(static_cast<std::uint32_t>(arc));
    }
    if (out.size() > kMaxArcs) return std::nullopt;
    arc = 0;
    in_arc = false;
  }
  if (in_arc) return std::nullopt;
  return out;
}

std::string encode_oid(const Oid& oid) {
  std::string out;
  const auto arc = [&](std::uint64_t v) {
    std::string bytes(1, static_cast<char>(v & 0x7f));
    for (v >>= 7; v > 0; v >>= 7) bytes.insert(bytes.begin(), static_cast<char>(0x80 | (v & 0x7f)));
    out += bytes;
  };
  if (oid.size() < 2) return std::string(1, '\0');
  arc(std::uint64_t{oid[0]} * 40 + oid[1]);
  for (std::size_t i = 2; i < oid.size(); ++i) arc(oid[i]);
  return out;
}

std::string oid_text(const Oid& oid) {
  std::string out;
  for (const auto a : oid) {
    if (!out.empty()) out += '.';
    out += std::to_string(a);
  }
  return out;
}

SnmpValue snmp_string(std::string_view text) {
  return {kBerOctetString, std::string(text)};
}
SnmpValue snmp_integer(std::int64_t v) {
  const auto encoded = ber_tlv_integer(kBerInteger, v);
  return {kBerInteger, encoded.substr(2)};
}
SnmpValue snmp_oid(const Oid& oid) {
  return {kBerOid, encode_oid(oid)};
}
SnmpValue snmp_timeticks(std::uint32_t centiseconds) {
  // An unsigned 32-bit value: a leading zero octet keeps the top bit from reading as a sign.
  const auto encoded = ber_tlv_integer(kBerInteger, centiseconds);
  return {kTimeTicks, encoded.substr(2)};
}

std::optional<SnmpMessage> parse_snmp_message(std::string_view datagram) {
  BerReader top(datagram, kMaxDatagram);
  const auto message = top.next(kBerSequence);
  if (!message) return std::nullopt;
  BerReader r(*message, kMaxDatagram);
  const auto version_bytes = r.next(kBerInteger);
  if (!version_bytes) return std::nullopt;
  const auto version = ber_integer(*version_bytes);
  if (!version) return std::nullopt;
  SnmpMessage m;
  m.version = *version;
  if (m.version == 3) {
    m.v3_user = v3_user(r);
    return m;
  }
  if (m.version != 0 && m.version != 1) return std::nullopt;
  const auto community = r.next(kBerOctetString);
  const auto pdu = r.next();
  if (!community || !pdu) return std::nullopt;
  m.community = std::string(*community);
  m.pdu = pdu->tag;
  if (m.pdu == kSnmpTrapV1) return m;  // a different layout, and nothing to answer
  BerReader p(pdu->contents, kMaxDatagram);
  const auto id = p.next(kBerInteger);
  const auto status = p.next(kBerInteger);
  const auto index = p.next(kBerInteger);
  const auto bindings = p.next(kBerSequence);
  if (!id || !status || !index || !bindings) return std::nullopt;
  const auto id_value = ber_integer(*id), status_value = ber_integer(*status),
             index_value = ber_integer(*index);
  if (!id_value || !status_value || !index_value) return std::nullopt;
  m.request_id = *id_value;
  m.error_status = *status_value;
  m.error_index = *index_value;
  auto parsed = parse_bindings(*bindings);
  if (!parsed) return std::nullopt;
  m.bindings = std::move(*parsed);
  return m;
}

std::string snmp_answer(const SnmpMessage& request, const SnmpMib& mib, std::size_t max_bytes) {
  const bool v1 = request.version == 0;
  std::int64_t status = 0, index = 0;
  std::vector<SnmpBinding> out;
  const auto fail = [&](std::int64_t code, std::size_t i) {
    if (status != 0) return;
    status = code;
    index = static_cast<std::int64_t>(i) + 1;
  };
  switch (request.pdu) {
    case kSnmpGet:
      for (std::size_t i = 0; i < request.bindings.size(); ++i) {
        const auto& oid = request.bindings[i].oid;
        const auto it = mib.find(oid);
        if (it != mib.end()) {
          out.push_back({oid, it->second});
        } else {
          if (v1) fail(kNoSuchName, i);
          out.push_back({oid, {kNoSuchObject, {}}});
        }
      }
      break;
    case kSnmpGetNext:
      for (std::size_t i = 0; i < request.bindings.size(); ++i) {
        const auto& oid = request.bindings[i].oid;
        if (auto next = next_after(mib, oid)) {
          out.push_back(std::move(*next));
        } else {
          if (v1) fail(kNoSuchName, i);
          out.push_back({oid, {kEndOfMibView, {}}});
        }
      }
      break;
    case kSnmpGetBulk: {
      if (v1) return {};
      const auto& b = request.bindings;
      const auto non_repeaters = static_cast<std::size_t>(
          std::clamp<std::int64_t>(request.error_status, 0, static_cast<std::int64_t>(b.size())));
      const auto repetitions =
          std::clamp<std::int64_t>(request.error_index, 0, kMaxBulkRepetitions);
      for (std::size_t i = 0; i < non_repeaters; ++i) {
        auto next = next_after(mib, b[i].oid);
        out.push_back(next ? std::move(*next) : SnmpBinding{b[i].oid, {kEndOfMibView, {}}});
      }
      std::vector<Oid> cursor;
      for (std::size_t i = non_repeaters; i < b.size(); ++i) cursor.push_back(b[i].oid);
      for (std::int64_t round = 0; round < repetitions && !cursor.empty(); ++round) {
        for (auto& oid : cursor) {
          if (out.size() >= kMaxSnmpBindings) break;
          auto next = next_after(mib, oid);
          if (next) {
            oid = next->oid;
            out.push_back(std::move(*next));
          } else {
            out.push_back({oid, {kEndOfMibView, {}}});
          }
        }
      }
      break;
    }
    case kSnmpSet:
      // Nothing is writable: v1 says noSuchName (RFC 1157 4.1.5), v2c notWritable.
      out = request.bindings;
      if (!out.empty()) fail(v1 ? kNoSuchName : kNotWritable, 0);
      break;
    default:
      return {};
  }
  if (v1 && status != 0) out = request.bindings;  // v1 echoes the request on an error
  const auto encode = [&] {
    const auto pdu =
        ber_tlv(kSnmpResponse, ber_tlv_integer(kBerInteger, request.request_id) +
                                   ber_tlv_integer(kBerInteger, status) +
                                   ber_tlv_integer(kBerInteger, index) + encode_bindings(out));
    return ber_tlv(kBerSequence, ber_tlv_integer(kBerInteger, request.version) +
                                     ber_tlv(kBerOctetString, request.community) + pdu);
  };
  auto answer = encode();
  // Over the bound: a get-bulk may answer with fewer bindings (RFC 3416 4.2.3); anything
  // else is tooBig with none.
  while (answer.size() > max_bytes && request.pdu == kSnmpGetBulk && out.size() > 1) {
    out.pop_back();
    answer = encode();
  }
  if (answer.size() > max_bytes) {
    out.clear();
    status = kTooBig;
    index = 0;
    answer = encode();
  }
  return answer;
}

}  // namespace decnet::decky
