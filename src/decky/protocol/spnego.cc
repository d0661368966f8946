#include "decky/protocol/spnego.h"

#include "decky/protocol/ber.h"
#include "decky/protocol/ntlmssp.h"

namespace decnet::decky {
namespace {

const std::string kSpnegoOid("\x2b\x06\x01\x05\x05\x02", 6);                 // 1.3.6.1.5.5.2
const std::string kNtlmOid("\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a", 10);  // .311.2.2.10

constexpr unsigned char kApplication0 = 0x60;
constexpr unsigned char kNegTokenInit = 0xa0;
constexpr unsigned char kNegTokenResp = 0xa1;

constexpr unsigned char spnego_field(int n) {
  return static_cast<unsigned char>(0xa0 + n);
}

// The fields of a NegTokenInit or NegTokenResp SEQUENCE.
std::optional<SpnegoClientToken> read_fields(std::string_view sequence, bool resp) {
  SpnegoClientToken out;
  out.offers_ntlm = resp;
  BerReader fields(sequence);
  while (!fields.empty()) {
    const auto f = fields.next();
    if (!f) return std::nullopt;
    if (!resp && f->tag == spnego_field(0)) {  // mechTypes
      BerReader outer(f->contents);
      const auto list = outer.next(kBerSequence);
      if (!list) return std::nullopt;
      BerReader mechs(*list);
      while (!mechs.empty()) {
        const auto oid = mechs.next(kBerOid);
        if (!oid) return std::nullopt;
        if (*oid == kNtlmOid) out.offers_ntlm = true;
      }
    } else if (f->tag == spnego_field(2)) {  // mechToken / responseToken
      BerReader inner(f->contents);
      const auto token = inner.next(kBerOctetString);
      if (!token) return std::nullopt;
      out.mech_token = *token;
    }
  }
  return out;
}

}  // namespace

std::optional<SpnegoClientToken> parse_spnego_client_token(std::string_view token) {
  if (ntlm_message_type(token)) return SpnegoClientToken{true, token};
  BerReader top(token);
  const auto outer = top.next();
  if (!outer) return std::nullopt;
  if (outer->tag == kApplication0) {
    BerReader gss(outer->contents);
    const auto oid = gss.next(kBerOid);
    if (!oid || *oid != kSpnegoOid) return std::nullopt;
    const auto init = gss.next(kNegTokenInit);
    if (!init) return std::nullopt;
    BerReader seq(*init);
    const auto fields = seq.next(kBerSequence);
    return fields ? read_fields(*fields, false) : std::nullopt;
  }
  if (outer->tag == kNegTokenResp) {
    BerReader seq(outer->contents);
    const auto fields = seq.next(kBerSequence);
    return fields ? read_fields(*fields, true) : std::nullopt;
  }
  return std::nullopt;
}

std::string spnego_server_offer() {
  const auto mechs = ber_tlv(kBerSequence, ber_tlv(kBerOid, kNtlmOid));
  const auto init = ber_tlv(kBerSequence, ber_tlv(spnego_field(0), mechs));
  return ber_tlv(kApplication0, ber_tlv(kBerOid, kSpnegoOid) + ber_tlv(kNegTokenInit, init));
}

std::string spnego_continue(std::string_view ntlm_token) {
  std::string fields = ber_tlv(spnego_field(0), ber_tlv(kBerEnumerated, std::string(1, '\x01'))) +
                       ber_tlv(spnego_field(1), ber_tlv(kBerOid, kNtlmOid));
  if (!ntlm_token.empty()) fields += ber_tlv(spnego_field(2), ber_tlv(kBerOctetString, ntlm_token));
  return ber_tlv(kNegTokenResp, ber_tlv(kBerSequence, fields));
}

std::string spnego_reject() {
  return ber_tlv(kNegTokenResp,
                 ber_tlv(kBerSequence, ber_tlv(spnego_field(0),
                                               ber_tlv(kBerEnumerated, std::string(1, '\x02')))));
}

}  // namespace decnet::decky
