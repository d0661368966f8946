// DNS as an authoritative-only BIND answers it: every query is reported (dns_query: name, type,
// class, whether recursion was asked for — scanners hunting open resolvers ask for it), names
// under the persona's domain get an authoritative NXDOMAIN, everything else REFUSED (no
// recursion, ever: a decky must not resolve for an attacker, nor be used as a reflector), and
// the CHAOS version.bind query gets the configured version string. An answer echoes the
// question under a response header: no larger than the question, but for that one TXT.
#include "core/text.h"
#include "decky/net/datagram_peer.h"
#include "decky/protocol/dns_message.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

class DnsService final : public DatagramService {
 public:
  DnsService(const Persona& persona, const ServiceSettings& s)
      : domain_(core::ascii_lower(setting(s, "domain").empty() ? persona.domain
                                                               : setting(s, "domain"))),
        version_(setting(s, "bind_version")) {}

  std::string answer(std::string_view m, DatagramPeer& peer) override {
    const auto q = parse_dns_query(m);
    if (!q) {
      if (m.size() >= 12) peer.emit("malformed", {{"size", std::to_string(m.size())}});
      return {};
    }
    const auto klass = q->klass == kDnsClassIn      ? std::string("IN")
                       : q->klass == kDnsClassChaos ? std::string("CH")
                                                    : std::to_string(q->klass);
    peer.emit("dns_query", {{"qname", q->name},
                            {"qtype", dns_type_name(q->type)},
                            {"qclass", klass},
                            {"rd", q->recursion_desired() ? "1" : "0"},
                            {"opcode", std::to_string(q->opcode())}});
    if (q->opcode() != 0) return dns_response(m, *q, kDnsNotImplemented, false);
    if (q->klass == kDnsClassChaos && q->type == kDnsTxt && q->name == "version.bind") {
      return dns_response(m, *q, kDnsNoError, true, version_);
    }
    const bool ours = q->name == domain_ || q->name.ends_with("." + domain_);
    return dns_response(m, *q, ours ? kDnsNxDomain : kDnsRefused, ours);
  }

 private:
  std::string domain_;
  std::string version_;
};

}  // namespace

std::unique_ptr<DatagramService> make_dns_service(const Persona& persona,
                                                  const ServiceSettings& settings) {
  return std::make_unique<DnsService>(persona, settings);
}

}  // namespace decnet::decky
