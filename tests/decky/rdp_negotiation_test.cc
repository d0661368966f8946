// RDP's opening as [MS-RDPBCGR] and [MS-CSSP] lay it out, built here byte by byte: the
// Connection Request with its cookie and offered protocols, the Confirm and refusal bytes, a
// TSRequest carrying an NTLMSSP token both ways, and the core client data found inside an MCS
// Connect Initial — with lengths that overrun refused.
#include "decky/protocol/rdp_negotiation.h"

#include <gtest/gtest.h>

#include "decky/protocol/ber.h"
#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::string connection_request(const std::string& token, std::uint32_t protocols) {
  const auto neg = std::string("\x01\x00", 2) + le16(8) + le32(protocols);
  const auto body = token + neg;
  return std::string(1, static_cast<char>(6 + body.size())) + "\xe0" + std::string(5, '\0') + body;
}

TEST(RdpNegotiation, TheConnectionRequestGivesCookieAndProtocols) {
  const auto r = parse_rdp_connection_request(
      connection_request("Cookie: mstshash=administrator\r\n", kRdpTls | kRdpHybrid));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cookie, "administrator");
  EXPECT_TRUE(r->negotiated);
  EXPECT_EQ(rdp_protocol_names(r->requested_protocols), "rdp,tls,hybrid");
  const auto routed = parse_rdp_connection_request(connection_request("tsv://MS Terminal\r\n", 0));
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->routing_token, "tsv://MS Terminal");
  EXPECT_EQ(rdp_protocol_names(routed->requested_protocols), "rdp");
  const auto bare = parse_rdp_connection_request(std::string("\x06\xe0", 2) + std::string(5, '\0'));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->negotiated);

  auto overrun = connection_request("Cookie: mstshash=x\r\n", 3);
  overrun[0] = '\x7f';
  EXPECT_FALSE(parse_rdp_connection_request(overrun)) << "LI past the payload";
  auto confirm = connection_request("", 3);
  confirm[1] = '\xd0';
  EXPECT_FALSE(parse_rdp_connection_request(confirm)) << "a confirm is not a request";
  EXPECT_EQ(tpkt_length(std::string("\x03\x00\x00\x2b", 4)), 0x2bu);
  EXPECT_FALSE(tpkt_length(std::string("\x16\x03\x01\x00", 4))) << "a TLS record";
}

TEST(RdpNegotiation, ConfirmAndRefusalAreTheBytesClientsExpect) {
  EXPECT_EQ(rdp_connection_confirm(kRdpHybrid),
            std::string("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x1f\x08\x00\x02\x00\x00"
                        "\x00",
                        19));
  EXPECT_EQ(rdp_negotiation_failure(kRdpHybridRequired),
            std::string("\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x05\x00\x00"
                        "\x00",
                        19));
}

std::string ts_request_bytes(std::int64_t version, const std::string& token, bool pub_key) {
  std::string fields = ber_tlv(0xa0, ber_tlv_integer(0x02, version));
  if (!token.empty()) {
    fields += ber_tlv(0xa1, ber_tlv(0x30, ber_tlv(0x30, ber_tlv(0xa0, ber_tlv(0x04, token)))));
  }
  if (pub_key) fields += ber_tlv(0xa3, ber_tlv(0x04, std::string(32, 'k')));
  fields += ber_tlv(0xa5, ber_tlv(0x04, std::string(32, 'n')));  // clientNonce
  return ber_tlv(0x30, fields);
}

TEST(RdpNegotiation, TsRequestsCarryTheNtlmTokenBothWays) {
  const std::string token = std::string("NTLMSSP\0", 8) + le32(3) + std::string(60, 'x');
  const auto der = ts_request_bytes(6, token, true);
  EXPECT_EQ(der_element_size(der.substr(0, 4)), der.size());
  EXPECT_FALSE(der_element_size(der.substr(0, 1)));
  const auto r = parse_ts_request(der);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 6);
  EXPECT_EQ(r->nego_token, token);
  EXPECT_TRUE(r->pub_key_auth);

  const auto ours = ts_request(6, "challenge");
  const auto back = parse_ts_request(ours);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->nego_token, "challenge");
  EXPECT_EQ(ts_request(3, {}, 0xc000006d),
            ber_tlv(0x30, ber_tlv(0xa0, ber_tlv(0x02, "\x03")) +
                              ber_tlv(0xa4, ber_tlv(0x02, std::string("\xc0\x00\x00\x6d", 4)))))
      << "the NTSTATUS as a four-octet signed INTEGER";

  EXPECT_FALSE(parse_ts_request(der.substr(0, der.size() - 1)));
  EXPECT_FALSE(parse_ts_request(ber_tlv(0x30, ber_tlv(0xa3, ber_tlv(0x04, "x"))))) << "no version";
}

TEST(RdpNegotiation, TheCoreClientDataIsFoundInTheConnectInitial) {
  std::string core = le16(0xc001) + le16(216) + le32(0x00080004) + le16(1920) + le16(1080) +
                     le16(0xca01) + le16(0xaa03) + le32(0x00000407) + le32(19041) + utf16("KALI") +
                     std::string(32 - 8, '\0');
  core += std::string(216 - core.size(), '\0');
  const auto security = le16(0xc002) + le16(12) + le32(3) + le32(0);
  const auto blocks = security + core;
  const auto gcc =
      std::string("\x00\x05\x00\x14\x7c\x00\x01\x81\x2a\x00\x08\x00\x10\x00\x01\xc0\x00", 17) +
      "Duca" + std::string("\x81", 1) + static_cast<char>(blocks.size() & 0xff) + blocks;
  const auto initial = ber_tlv(0x04, "\x01") + ber_tlv(0x04, "\x01") + ber_tlv(0x01, "\xff") +
                       ber_tlv(0x30, std::string(20, '\x02')) +
                       ber_tlv(0x30, std::string(20, '\x02')) +
                       ber_tlv(0x30, std::string(20, '\x02')) + ber_tlv(0x04, gcc);
  std::string length;
  length += '\x82';
  length += static_cast<char>(initial.size() >> 8);
  length += static_cast<char>(initial.size() & 0xff);
  const auto payload = std::string("\x02\xf0\x80\x7f\x65", 5) + length + initial;
  const auto c = parse_rdp_client_core(payload);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->client_name, "KALI");
  EXPECT_EQ(c->client_build, 19041u);
  EXPECT_EQ(c->keyboard_layout, 0x407u);
  EXPECT_EQ(c->width, 1920);
  EXPECT_EQ(c->height, 1080);

  auto cut = payload;
  cut.resize(payload.size() - 100);
  EXPECT_FALSE(parse_rdp_client_core(cut)) << "shorter than the Connect Initial says";
  EXPECT_FALSE(parse_rdp_client_core(std::string("\x02\xf0\x80\x7f\x66", 5) + length + initial))
      << "a Connect Response";
}

}  // namespace
}  // namespace decnet::decky
