// Fuzzes the decky's readers of UDP requests other than SNMP: a DNS query and a TFTP request.
// Neither reads outside the datagram, names stay bounded, and a DNS answer is the question
// echoed (plus at most one TXT) under a 12-byte header.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "decky/protocol/dns_message.h"
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
  return 0;
}
