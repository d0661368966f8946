// Remote Desktop as a Windows Server host answers a client before the login: the Connection
// Request's cookie (mstshash=, the user name most tools send) and offered security protocols
// are reported, then TLS with a certificate for the host name. A client that offers NLA gets
// it: CredSSP carries NTLMSSP inside the tunnel, and the AUTHENTICATE's user, domain,
// workstation and NT response are emitted as `auth_attempt` (ntlmssp_v1/v2, principal
// DOMAIN\user) with the server challenge beside them, the same capture as smb; the login then
// fails with STATUS_LOGON_FAILURE. With `nla` on, a client that cannot do NLA is refused as
// Windows refuses it; with it off (the default) such a client gets TLS, its core client data —
// machine name, build, keyboard layout, screen — is reported, and the connection ends.
#include <array>

#include "core/hash.h"
#include "core/text.h"
#include "decky/net/tls_server.h"
#include "decky/protocol/ber.h"
#include "decky/protocol/ntlmssp.h"
#include "decky/protocol/rdp_negotiation.h"
#include "decky/protocol/spnego.h"
#include "decky/services/ntlm_login.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr std::uint32_t kStatusLogonFailure = 0xc000006d;
constexpr std::int64_t kCredSspVersion = 6;

class RdpService final : public ConversationService {
 public:
  RdpService(const Persona& persona, const ServiceSettings& settings)
      : nla_required_(setting(settings, "nla") == "true"),
        computer_(core::ascii_upper(persona.hostname.substr(0, 15))),
        dns_computer_(persona.hostname),
        tls_("", "", setting(settings, "state_dir"), persona.hostname) {}

 private:
  asio::awaitable<void> converse(Session& s) override {
    const auto request_payload = co_await read_tpkt(s);
    const auto request =
        request_payload ? parse_rdp_connection_request(*request_payload) : std::nullopt;
    if (!request) {
      s.emit("protocol_error", {{"reason", "not an X.224 connection request"}});
      co_return;
    }
    Fields f{{"cookie", request->cookie},
             {"requested_protocols", rdp_protocol_names(request->requested_protocols)}};
    if (!request->routing_token.empty()) f.emplace_back("routing_token", request->routing_token);
    s.emit("connection_request", std::move(f));

    const bool hybrid = (request->requested_protocols & (kRdpHybrid | kRdpHybridEx)) != 0;
    const bool tls = (request->requested_protocols & kRdpTls) != 0;
    if (!hybrid && (nla_required_ || !tls)) {
      co_await s.write(
          rdp_negotiation_failure(nla_required_ ? kRdpHybridRequired : kRdpSslRequired));
      co_return;
    }
    if (!co_await s.write(rdp_connection_confirm(hybrid ? kRdpHybrid : kRdpTls))) co_return;
    if (!co_await s.start_tls(tls_)) co_return;
    if (hybrid) {
      co_await credssp(s);
    } else {
      co_await client_data(s);
    }
  }

  // NLA: NEGOTIATE in, CHALLENGE out, AUTHENTICATE in, refused.
  asio::awaitable<void> credssp(Session& s) {
    const auto first_der = co_await read_der(s);
    const auto first = first_der ? parse_ts_request(*first_der) : std::nullopt;
    const auto negotiate = first ? parse_spnego_client_token(first->nego_token) : std::nullopt;
    const auto flags = negotiate ? parse_ntlm_negotiate(negotiate->mech_token) : std::nullopt;
    if (!flags) {
      s.emit("protocol_error", {{"reason", "CredSSP without an NTLMSSP NEGOTIATE"}});
      co_return;
    }
    const auto version = std::min(first->version, kCredSspVersion);
    std::array<std::uint8_t, 8> challenge{};
    core::secure_random_bytes(challenge);
    const auto ntlm = ntlm_challenge(
        *flags, {"WORKGROUP", computer_, "", dns_computer_, windows_filetime_now()}, challenge);
    if (!co_await s.write(ts_request(version, ntlm))) co_return;

    const auto second_der = co_await read_der(s);
    const auto second = second_der ? parse_ts_request(*second_der) : std::nullopt;
    const auto token = second ? parse_spnego_client_token(second->nego_token) : std::nullopt;
    const auto auth = token ? parse_ntlm_authenticate(token->mech_token) : std::nullopt;
    if (!auth) {
      s.emit("protocol_error", {{"reason", "CredSSP without an NTLMSSP AUTHENTICATE"}});
      co_return;
    }
    report_ntlm_login(s, "nla", *auth, challenge);
    if (version >= 3) co_await s.write(ts_request(version, {}, kStatusLogonFailure));
  }

  // TLS without NLA: the MCS Connect Initial's core data, then the end of the connection.
  asio::awaitable<void> client_data(Session& s) {
    const auto payload = co_await read_tpkt(s);
    const auto core_data = payload ? parse_rdp_client_core(*payload) : std::nullopt;
    if (!core_data) {
      s.emit("protocol_error", {{"reason", "no MCS Connect Initial after TLS"}});
      co_return;
    }
    char build[16], layout[16];
    std::snprintf(build, sizeof build, "%u", core_data->client_build);
    std::snprintf(layout, sizeof layout, "0x%08x", core_data->keyboard_layout);
    s.emit("client_data", {{"client_name", core_data->client_name},
                           {"client_build", build},
                           {"keyboard_layout", layout},
                           {"desktop", std::to_string(core_data->width) + "x" +
                                           std::to_string(core_data->height)}});
  }

  static asio::awaitable<std::optional<std::string>> read_tpkt(Session& s) {
    const auto header = co_await s.read_exact(kTpktHeaderBytes);
    const auto length = header ? tpkt_length(*header) : std::nullopt;
    if (!length) co_return std::nullopt;
    auto payload = co_await s.read_exact(*length - kTpktHeaderBytes);
    co_return payload;
  }

  // One DER SEQUENCE, read header first so that no byte past it is taken.
  static asio::awaitable<std::optional<std::string>> read_der(Session& s) {
    auto head = co_await s.read_exact(2);
    if (!head) co_return std::nullopt;
    const std::size_t extra = ber_length_octets(static_cast<unsigned char>((*head)[1]));
    if (extra > 4) co_return std::nullopt;
    if (extra > 0) {
      const auto more = co_await s.read_exact(extra);
      if (!more) co_return std::nullopt;
      *head += *more;
    }
    const auto size = der_element_size(*head);
    if (!size) co_return std::nullopt;
    const auto rest = co_await s.read_exact(*size - head->size());
    if (!rest) co_return std::nullopt;
    co_return *head + *rest;
  }

  bool nla_required_;
  std::string computer_, dns_computer_;
  TlsServerContext tls_;
};

}  // namespace

std::unique_ptr<Service> make_rdp_service(const Persona& persona, const ServiceSettings& settings) {
  return std::make_unique<RdpService>(persona, settings);
}

}  // namespace decnet::decky
