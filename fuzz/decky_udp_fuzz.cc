// Fuzzes the decky's readers of UDP requests other than SNMP: a DNS query, a TFTP request and
// a SIP request. None reads outside the datagram, names stay bounded, a DNS answer is the
// question echoed (plus at most one TXT) under a 12-byte header, and a SIP request keeps its
// bounds (16 Vias) and its answer carries what it copied.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/dns_message.h"
#include "decky/protocol/http_credentials.h"
#include "decky/protocol/sip_message.h"
#include "decky/protocol/tftp_packet.h"
#include "fuzz_support.h"

using decnet::fuzz::check;
namespace d = decnet::decky;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (const auto q = d::parse_dns_query(input)) {
    check(q->name.size() <= 255 && q->question_end <= size);
    check(d::dns_response(input, *q, d::kDnsRefused, false).size() == q->question_end);
    check(d::dns_response(input, *q, 0, true, "v").size() == q->question_end + 14);
  }
  if (const auto r = d::parse_tftp_request(input)) {
    check(r->filename.size() <= 255 && !r->filename.empty() && r->mode.size() <= 16);
    check(r->opcode == d::kTftpRead || r->opcode == d::kTftpWrite);
  }
  if (const auto r = d::parse_sip_request(input)) {
    check(r->via.size() <= 16 && !r->call_id.empty() && r->call_id.size() <= size);
    const auto out = d::sip_response(*r, 401, "Unauthorized", {}, "192.0.2.1", 5060, "t");
    check(out.find(r->call_id) != std::string::npos);
    if (const auto c = d::classify_authorization(r->authorization)) check(c->secret.size() <= size);
  }
  return 0;
}
