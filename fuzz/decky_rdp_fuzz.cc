// Fuzzes the decky's RDP readers on what a client sends: the TPKT header and X.224 Connection
// Request, a CredSSP TSRequest and the NTLMSSP message inside it, and the core client data of an
// MCS Connect Initial. The first four bytes are taken as a TPKT header, the rest as its
// payload and as a TSRequest (the NLA path reads DER with no TPKT around it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/ntlmssp.h"
#include "decky/protocol/rdp_negotiation.h"
#include "decky/protocol/spnego.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (size < d::kTpktHeaderBytes) return 0;
  d::tpkt_length(input.substr(0, d::kTpktHeaderBytes));
  const auto payload = input.substr(d::kTpktHeaderBytes);
  if (const auto r = d::parse_rdp_connection_request(payload)) {
    check(r->cookie.size() <= 64 && r->routing_token.size() <= 256);
    d::rdp_protocol_names(r->requested_protocols);
  }
  if (const auto c = d::parse_rdp_client_core(payload)) check(c->client_name.size() <= 48);
  if (const auto n = d::der_element_size(payload)) check(*n >= 2);
  if (const auto ts = d::parse_ts_request(payload)) {
    check(ts->nego_token.size() <= payload.size());
    if (const auto token = d::parse_spnego_client_token(ts->nego_token)) {
      if (const auto auth = d::parse_ntlm_authenticate(token->mech_token)) {
        check(auth->nt_response.size() <= payload.size());
      }
    }
    d::ts_request(ts->version, ts->nego_token, 0xc000006d);
  }
  return 0;
}
