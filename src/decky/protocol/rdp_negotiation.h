// RDP's opening as a server reads it ([MS-RDPBCGR] 2.2.1, [MS-CSSP]): the TPKT-framed X.224
// Connection Request with its cookie (mstshash=, the user name most tools send unasked) and
// the security protocols the client offers; the Connection Confirm choosing one or refusing;
// CredSSP's TSRequest, which carries NLA's NTLMSSP messages inside the TLS tunnel; and, for a
// client that logs in without NLA, the core client data of its MCS Connect Initial (the
// machine name, build and keyboard layout a client gives away before any login).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kTpktHeaderBytes = 4;
inline constexpr std::size_t kRdpMaxMessage = 65'535;

enum RdpProtocol : std::uint32_t {
  kRdpStandard = 0x0,
  kRdpTls = 0x1,
  kRdpHybrid = 0x2,  // CredSSP: NLA
  kRdpRdstls = 0x4,
  kRdpHybridEx = 0x8,
};

enum RdpFailure : std::uint32_t {
  kRdpSslRequired = 0x1,
  kRdpHybridRequired = 0x5,
};

// The length a TPKT header declares (header included); nullopt when it is not one.
std::optional<std::size_t> tpkt_length(std::string_view four_bytes);

struct RdpConnectionRequest {
  std::string cookie;         // the value of "Cookie: mstshash=", cut at 64 bytes
  std::string routing_token;  // any other token line, as sent
  bool negotiated = false;    // an RDP_NEG_REQ came
  std::uint32_t requested_protocols = 0;
};

// The TPKT payload of a Connection Request; nullopt when it is not one.
std::optional<RdpConnectionRequest> parse_rdp_connection_request(std::string_view payload);
// "rdp,tls,hybrid,..." for a requested_protocols mask.
std::string rdp_protocol_names(std::uint32_t protocols);

// Whole TPKT messages: a Connection Confirm selecting `protocol`, or refusing with `failure`.
std::string rdp_connection_confirm(std::uint32_t protocol);
std::string rdp_negotiation_failure(std::uint32_t failure);

struct TsRequest {
  std::int64_t version = 0;
  std::string_view nego_token;  // the first negoToken, empty when none
  bool pub_key_auth = false;
};

// A TSRequest's DER (tag 0x30); nullopt when malformed.
std::optional<TsRequest> parse_ts_request(std::string_view der);
// The bytes of the first DER element in `in`: how many the whole element takes once its header
// is complete (nullopt until then, or when it is not a SEQUENCE within the bound).
std::optional<std::size_t> der_element_size(std::string_view in);
// A TSRequest with `nego_token` (none when empty) and an error code (none when 0).
std::string ts_request(std::int64_t version, std::string_view nego_token,
                       std::uint32_t error_code = 0);

struct RdpClientCore {
  std::uint32_t version = 0, client_build = 0, keyboard_layout = 0;
  std::uint16_t width = 0, height = 0;
  std::string client_name;  // UTF-8
};

// The core client data (TS_UD_CS_CORE) of the TPKT payload of an MCS Connect Initial; nullopt
// when it is not one or has none.
std::optional<RdpClientCore> parse_rdp_client_core(std::string_view payload);

}  // namespace decnet::decky
