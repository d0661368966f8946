#include "decky/protocol/rdp_negotiation.h"

#include "decky/protocol/ber.h"
#include "decky/protocol/byte_order.h"
#include "decky/protocol/utf16.h"

namespace decnet::decky {
namespace {

constexpr unsigned char kX224ConnectionRequest = 0xe0;
constexpr unsigned char kX224ConnectionConfirm = 0xd0;
constexpr unsigned char kNegRequest = 0x01, kNegResponse = 0x02, kNegFailure = 0x03;
// EXTENDED_CLIENT_DATA, DYNVC_GFX, NEGRSP_RESERVED, RESTRICTED_ADMIN, REDIRECTED_AUTH: what a
// Windows Server 2019 host answers with.
constexpr unsigned char kNegResponseFlags = 0x1f;
constexpr std::uint16_t kClientCoreData = 0xc001;

std::string tpkt(std::string_view payload) {
  std::string out{'\x03', '\x00'};
  append_be16(out, static_cast<std::uint32_t>(payload.size() + kTpktHeaderBytes));
  return out + std::string(payload);
}

std::string x224_confirm(char type, char flags, std::uint32_t value) {
  std::string neg{type, flags};
  neg += le16_bytes(8);
  neg += le32_bytes(value);
  std::string out{static_cast<char>(6 + neg.size()),
                  static_cast<char>(kX224ConnectionConfirm),
                  '\0',
                  '\0',
                  '\x12',
                  '\x34',
                  '\0'};
  return tpkt(out + neg);
}

}  // namespace

std::optional<std::size_t> tpkt_length(std::string_view b) {
  if (b.size() != kTpktHeaderBytes || b[0] != '\x03' || b[1] != '\x00') return std::nullopt;
  const std::size_t n = read_be16(b, 2);
  if (n < kTpktHeaderBytes + 3) return std::nullopt;
  return n;
}

std::optional<RdpConnectionRequest> parse_rdp_connection_request(std::string_view p) {
  if (p.size() < 7) return std::nullopt;
  const std::size_t li = static_cast<unsigned char>(p[0]);
  if (static_cast<unsigned char>(p[1]) != kX224ConnectionRequest || li < 6 || li + 1 > p.size()) {
    return std::nullopt;
  }
  std::string_view rest = p.substr(7, li - 6);
  RdpConnectionRequest r;
  if (const auto end = rest.find("\r\n"); end != std::string_view::npos) {
    const auto token = rest.substr(0, end);
    constexpr std::string_view kCookie = "Cookie: mstshash=";
    if (token.substr(0, kCookie.size()) == kCookie) {
      r.cookie = std::string(token.substr(kCookie.size(), 64));
    } else {
      r.routing_token = std::string(token.substr(0, 256));
    }
    rest.remove_prefix(end + 2);
  }
  if (rest.size() >= 8 && rest[0] == kNegRequest && read_le16(rest, 2) == 8) {
    r.negotiated = true;
    r.requested_protocols = read_le32(rest, 4);
  }
  return r;
}

std::string rdp_protocol_names(std::uint32_t protocols) {
  std::string out = "rdp";
  for (const auto& [bit, name] : {std::pair<std::uint32_t, const char*>{kRdpTls, "tls"},
                                  {kRdpHybrid, "hybrid"},
                                  {kRdpRdstls, "rdstls"},
                                  {kRdpHybridEx, "hybrid_ex"},
                                  {0x10, "aad"}}) {
    if (protocols & bit) {
      out += ",";
      out += name;
    }
  }
  return out;
}

std::string rdp_connection_confirm(std::uint32_t protocol) {
  return x224_confirm(kNegResponse, kNegResponseFlags, protocol);
}

std::string rdp_negotiation_failure(std::uint32_t failure) {
  return x224_confirm(kNegFailure, 0, failure);
}

std::optional<std::size_t> der_element_size(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  if (in[0] != static_cast<char>(kBerSequence)) return std::nullopt;
  const auto first = static_cast<unsigned char>(in[1]);
  const std::size_t extra = ber_length_octets(first);
  if (in.size() < 2 + extra) return std::nullopt;
  const auto length = ber_contents_length(first, in.substr(2, extra), kRdpMaxMessage);
  if (!length) return std::nullopt;
  return 2 + extra + *length;
}

std::optional<TsRequest> parse_ts_request(std::string_view der) {
  BerReader top(der);
  const auto seq = top.next(kBerSequence);
  if (!seq) return std::nullopt;
  TsRequest r;
  BerReader fields(*seq);
  bool versioned = false;
  while (!fields.empty()) {
    const auto f = fields.next();
    if (!f) return std::nullopt;
    BerReader inner(f->contents);
    if (f->tag == 0xa0) {
      const auto v = inner.next(kBerInteger);
      const auto n = v ? ber_integer(*v) : std::nullopt;
      if (!n) return std::nullopt;
      r.version = *n;
      versioned = true;
    } else if (f->tag == 0xa1) {  // NegoData: SEQUENCE OF SEQUENCE { [0] OCTET STRING }
      const auto list = inner.next(kBerSequence);
      if (!list) return std::nullopt;
      BerReader items(*list);
      const auto item = items.next(kBerSequence);
      if (!item) return std::nullopt;
      BerReader item_fields(*item);
      const auto wrapped = item_fields.next(0xa0);
      if (!wrapped) return std::nullopt;
      BerReader token(*wrapped);
      const auto bytes = token.next(kBerOctetString);
      if (!bytes) return std::nullopt;
      r.nego_token = *bytes;
    } else if (f->tag == 0xa3) {
      r.pub_key_auth = true;
    }
  }
  if (!versioned) return std::nullopt;
  return r;
}

std::string ts_request(std::int64_t version, std::string_view nego_token,
                       std::uint32_t error_code) {
  std::string fields = ber_tlv(0xa0, ber_tlv_integer(kBerInteger, version));
  if (!nego_token.empty()) {
    fields += ber_tlv(
        0xa1, ber_tlv(kBerSequence,
                      ber_tlv(kBerSequence, ber_tlv(0xa0, ber_tlv(kBerOctetString, nego_token)))));
  }
  // An NTSTATUS as Windows writes it: the 32 bits as a signed INTEGER, four octets.
  if (error_code != 0) {
    fields += ber_tlv(0xa4, ber_tlv_integer(kBerInteger, static_cast<std::int32_t>(error_code)));
  }
  return ber_tlv(kBerSequence, fields);
}

std::optional<RdpClientCore> parse_rdp_client_core(std::string_view p) {
  // X.224 Data (02 f0 80), then MCS Connect-Initial: [APPLICATION 101] in BER, two tag octets.
  if (p.size() < 8 || p.substr(0, 3) != std::string_view("\x02\xf0\x80", 3) ||
      p.substr(3, 2) != std::string_view("\x7f\x65", 2)) {
    return std::nullopt;
  }
  p.remove_prefix(5);
  const auto first = static_cast<unsigned char>(p[0]);
  const std::size_t extra = ber_length_octets(first);
  if (p.size() < 1 + extra) return std::nullopt;
  const auto length = ber_contents_length(first, p.substr(1, extra), kRdpMaxMessage);
  if (!length || *length > p.size() - 1 - extra) return std::nullopt;
  BerReader fields(p.substr(1 + extra, *length));
  std::string_view user_data;
  while (!fields.empty()) {
    const auto f = fields.next();
    if (!f) return std::nullopt;
    if (f->tag == kBerOctetString) user_data = f->contents;  // the last one: userData
  }
  // GCC's Conference Create Request (PER) ends with the H.221 key "Duca", a PER length, then
  // the client data blocks.
  const auto key = user_data.find("Duca");
  if (key == std::string_view::npos || key + 6 > user_data.size()) return std::nullopt;
  std::string_view blocks = user_data.substr(key + 4);
  blocks.remove_prefix((static_cast<unsigned char>(blocks[0]) & 0x80) ? 2 : 1);
  while (blocks.size() >= 4) {
    const auto type = read_le16(blocks, 0);
    const std::size_t size = read_le16(blocks, 2);
    if (size < 4 || size > blocks.size()) return std::nullopt;
    if (type == kClientCoreData && size >= 56) {
      RdpClientCore c;
      c.version = read_le32(blocks, 4);
      c.width = read_le16(blocks, 8);
      c.height = read_le16(blocks, 10);
      c.keyboard_layout = read_le32(blocks, 16);
      c.client_build = read_le32(blocks, 20);
      auto name = utf16le_to_utf8(blocks.substr(24, 32));
      name.resize(name.find('\0') == std::string::npos ? name.size() : name.find('\0'));
      c.client_name = name;
      return c;
    }
    blocks.remove_prefix(size);
  }
  return std::nullopt;
}

}  // namespace decnet::decky
