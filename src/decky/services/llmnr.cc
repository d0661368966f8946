// Link-local name resolution (LLMNR, RFC 4795, on 5355; multicast DNS, RFC 6762, on 5353) as
// a host on the LAN hears it: every query is reported (`name_query`: name, type, class, and
// whether mDNS asked for a unicast reply), so a decky sees who on its network is looking for
// WPAD, a file server that does not exist or a mistyped share — the queries Responder-style
// poisoners wait for. It never answers: a decky that answered other hosts' names would be the
// poisoner.
#include "decky/net/datagram_peer.h"
#include "decky/protocol/dns_message.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

constexpr std::uint16_t kUnicastResponse = 0x8000;  // mDNS's QU bit, in the class

class LinkLocalNameService final : public DatagramService {
 public:
  std::string answer(std::string_view m, DatagramPeer& peer) override {
    const auto q = parse_dns_query(m);
    if (!q) {
      if (m.size() >= 12) peer.emit("malformed", {{"size", std::to_string(m.size())}});
      return {};
    }
    const auto klass = static_cast<std::uint16_t>(q->klass & ~kUnicastResponse);
    peer.emit("name_query",
              {{"qname", q->name},
               {"qtype", dns_type_name(q->type)},
               {"qclass", klass == kDnsClassIn ? std::string("IN") : std::to_string(klass)},
               {"unicast_response", (q->klass & kUnicastResponse) != 0 ? "1" : "0"}});
    return {};
  }
};

}  // namespace

std::unique_ptr<DatagramService> make_llmnr_service(const Persona&, const ServiceSettings&) {
  return std::make_unique<LinkLocalNameService>();
}

}  // namespace decnet::decky
