// SNMP as a Debian host's net-snmp agent on UDP: every request is reported with its version,
// community and OIDs, the community as a credential (snmp_community, no principal) with its
// outcome, and answered only when the community is the configured one, as agents do. The
// answers come from the system group and the interface table of the persona (net-snmp's
// Debian defaults for contact and location), never larger than three times the question (or
// an SNMP minimum of 484 bytes): with a forged source, the decky is no amplifier. Sets are
// reported with their values and refused; v3 requests are reported with their user name.
#include <chrono>
#include <random>

#include "core/base64.h"
#include "decky/net/datagram_peer.h"
#include "decky/protocol/snmp_message.h"
#include "decky/services/services.h"
#include "decky/shell/terminal.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMinAnswerBound = 484;  // RFC 3417: every agent takes messages this large
constexpr std::size_t kAmplification = 3;

std::string_view event_of(unsigned char pdu) {
  switch (pdu) {
    case kSnmpGet:
      return "get_request";
    case kSnmpGetNext:
      return "get_next_request";
    case kSnmpGetBulk:
      return "get_bulk_request";
    case kSnmpSet:
      return "set_request";
    case kSnmpTrapV1:
    case kSnmpTrapV2:
    case kSnmpInform:
      return "trap";
    default:
      return "unknown_pdu";
  }
}

class SnmpService final : public DatagramService {
 public:
  SnmpService(const Persona& persona, const ServiceSettings& s)
      : community_(setting(s, "community")), started_(std::chrono::steady_clock::now()) {
    // A host that has been up for a while: 3 to 40 days when the decky starts.
    std::random_device seed;
    boot_centiseconds_ =
        std::uniform_int_distribution<std::uint32_t>(3 * 8'640'000, 40 * 8'640'000)(seed);
    const Oid system{1, 3, 6, 1, 2, 1, 1};
    const auto at = [&](std::uint32_t a) {
      Oid o = system;
      o.push_back(a);
      o.push_back(0);
      return o;
    };
    auto banner = login_banner(persona);
    const auto line_end = banner.find('\n');
    mib_[at(1)] = snmp_string(banner.substr(0, line_end));
    mib_[at(2)] = snmp_oid({1, 3, 6, 1, 4, 1, 8072, 3, 2, 10});
    mib_[at(3)] = snmp_timeticks(0);
    mib_[at(4)] = snmp_string(setting(s, "contact"));
    mib_[at(5)] = snmp_string(persona.hostname);
    mib_[at(6)] = snmp_string(setting(s, "location"));
    mib_[at(7)] = snmp_integer(72);
    mib_[{1, 3, 6, 1, 2, 1, 2, 1, 0}] = snmp_integer(2);
    const char* names[] = {"lo", "eth0"};
    for (std::uint32_t i = 1; i <= 2; ++i) {
      mib_[{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, i}] = snmp_integer(i);
      mib_[{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, i}] = snmp_string(names[i - 1]);
      mib_[{1, 3, 6, 1, 2, 1, 2, 2, 1, 3, i}] = snmp_integer(i == 1 ? 24 : 6);
      mib_[{1, 3, 6, 1, 2, 1, 2, 2, 1, 4, i}] = snmp_integer(i == 1 ? 65536 : 1500);
    }
    uptime_oid_ = at(3);
  }

  std::string answer(std::string_view datagram, DatagramPeer& peer) override {
    const auto m = parse_snmp_message(datagram);
    if (!m) {
      peer.emit("malformed", {{"size", std::to_string(datagram.size())},
                              {"data_b64", core::base64_encode(datagram.substr(0, 512))}});
      return {};
    }
    if (m->version == 3) {
      peer.emit("v3_request", {{"version", "3"}, {"user", m->v3_user}});
      return {};
    }
    Fields f{
        {"version", m->version == 0 ? "1" : "2c"}, {"community", m->community}, {"oids", oids(*m)}};
    if (m->pdu == kSnmpSet) f.emplace_back("values_b64", values(*m));
    const bool ok = m->community == community_;
    append_secret(f, m->community, "snmp_community", ok ? "success" : "failure");
    peer.emit(event_of(m->pdu), std::move(f));
    if (!ok) return {};
    mib_[uptime_oid_] = snmp_timeticks(uptime());
    return snmp_answer(*m, mib_, std::max(kMinAnswerBound, kAmplification * datagram.size()));
  }

 private:
  static std::string oids(const SnmpMessage& m) {
    std::string out;
    for (const auto& b : m.bindings) {
      if (!out.empty()) out += ',';
      out += oid_text(b.oid);
    }
    return out;
  }
  // What a set asked to write, one base64 value per binding.
  static std::string values(const SnmpMessage& m) {
    std::string out;
    for (const auto& b : m.bindings) {
      if (!out.empty()) out += ',';
      out += core::base64_encode(b.value.contents.substr(0, 256));
    }
    return out;
  }
  std::uint32_t uptime() const {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started_)
                             .count();
    return boot_centiseconds_ + static_cast<std::uint32_t>(elapsed / 10);
  }

  std::string community_;
  std::chrono::steady_clock::time_point started_;
  std::uint32_t boot_centiseconds_ = 0;
  SnmpMib mib_;
  Oid uptime_oid_;
};

}  // namespace

std::unique_ptr<DatagramService> make_snmp_service(const Persona& persona,
                                                   const ServiceSettings& settings) {
  return std::make_unique<SnmpService>(persona, settings);
}

}  // namespace decnet::decky
