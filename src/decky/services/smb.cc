// SMB on 445 (and 139, behind a NetBIOS session request) as a Samba file server answers before
// the login: SMB1 openers are moved up to SMB2, the dialect is chosen (2.0.2 to 3.0.2), and
// the login runs NTLMSSP inside SPNEGO. The AUTHENTICATE's user, domain, workstation and NT
// response are emitted as `auth_attempt` (ntlmssp_v1 or ntlmssp_v2) with the server challenge
// beside them, so the response can be cracked offline; the login then fails as a wrong password
// does. A login with no NT response at all (a null session, named or not) is reported as
// `null_session` and refused the same way. A client that speaks SMB1 only
// (old scanners, MS17-010 probes) gets its dialects reported and the connection closed.
#include <array>

#include "core/hash.h"
#include "core/text.h"
#include "decky/protocol/ntlmssp.h"
#include "decky/protocol/smb_message.h"
#include "decky/protocol/spnego.h"
#include "decky/services/ntlm_login.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

// A login takes three or four messages; a client that keeps talking without one is done.
constexpr int kMaxMessages = 32;

std::string dialect_list(const std::vector<std::uint16_t>& dialects) {
  std::string out;
  for (const auto d : dialects) out += (out.empty() ? "" : ",") + smb2_dialect_name(d);
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

// Never 0: a client takes 0 for "no session yet".
std::uint64_t random_session_id() {
  std::array<std::uint8_t, 8> bytes{};
  core::secure_random_bytes(bytes);
  std::uint64_t id = 0;
  for (const auto b : bytes) id = (id << 8) | b;
  return id | 1;
}

class SmbService final : public ConversationService {
 public:
  SmbService(const Persona& persona, const std::string& workgroup)
      : workgroup_(core::ascii_upper(workgroup.substr(0, 15))),
        computer_(core::ascii_upper(persona.hostname.substr(0, 15))),
        dns_computer_(persona.hostname) {
    core::secure_random_bytes(server_.guid);
  }

 private:
  // One connection's login state.
  struct Login {
    std::uint64_t session_id = 0;
    std::uint32_t client_flags = 0;
    std::array<std::uint8_t, 8> challenge{};
  };

  asio::awaitable<void> converse(Session& s) override {
    Login login;
    for (int i = 0; i < kMaxMessages; ++i) {
      const auto head = co_await s.read_exact(4);
      if (!head) co_return;
      const auto frame = parse_netbios_header(*head);
      if (frame.length > kSmbMaxMessage) {
        s.emit("protocol_error", {{"reason", "message over 64 KiB before a login"}});
        co_return;
      }
      const auto body = co_await s.read_exact(frame.length);
      if (!body) co_return;
      if (frame.type == kNetbiosKeepAlive) continue;
      if (frame.type == kNetbiosSessionRequest) {
        if (!co_await s.write(netbios_frame(kNetbiosPositiveResponse, {}))) co_return;
        continue;
      }
      if (frame.type != kNetbiosMessage) {
        s.emit("protocol_error", {{"reason", "not a NetBIOS session message"}});
        co_return;
      }
      std::string answer;
      const auto kind = smb_kind(*body);
      if (kind == SmbKind::kSmb1) {
        answer = smb1_negotiate(s, *body);
      } else if (kind == SmbKind::kSmb2) {
        answer = smb2_message(s, *body, login);
      } else {
        s.emit("protocol_error", {{"reason", "not an SMB message"}});
      }
      if (answer.empty()) co_return;
      if (!co_await s.write(netbios_frame(kNetbiosMessage, answer))) co_return;
    }
  }

  std::string smb1_negotiate(Session& s, std::string_view message) {
    const auto dialects = parse_smb1_negotiate(message);
    if (!dialects) {
      s.emit("protocol_error", {{"reason", "SMB1 request before a negotiate"}});
      return {};
    }
    const auto dialect = smb2_dialect_for_smb1(*dialects);
    s.emit("negotiate", {{"protocol", "smb1"}, {"dialects", joined(*dialects)}});
    if (dialect == 0) return {};
    Smb2Header request;  // SMB1's answer in SMB2 form: message id 0, one credit
    request.credits = 1;
    server_.filetime = windows_filetime_now();
    return smb2_response(request, kStatusSuccess, 0,
                         smb2_negotiate_body(dialect, server_, spnego_server_offer()));
  }

  std::string smb2_message(Session& s, std::string_view message, Login& login) {
    const auto header = parse_smb2_header(message);
    if (!header) {
      s.emit("protocol_error", {{"reason", "malformed SMB2 header"}});
      return {};
    }
    switch (header->command) {
      case kSmb2Negotiate: {
        const auto request = parse_smb2_negotiate(message);
        if (!request) break;
        s.emit("negotiate", {{"protocol", "smb2"},
                             {"dialects", dialect_list(request->dialects)},
                             {"client_guid", core::to_hex(request->client_guid)}});
        const auto dialect = choose_smb2_dialect(request->dialects);
        if (dialect == 0) return smb2_response(*header, kStatusNotSupported, 0, smb2_error_body());
        server_.filetime = windows_filetime_now();
        return smb2_response(*header, kStatusSuccess, 0,
                             smb2_negotiate_body(dialect, server_, spnego_server_offer()));
      }
      case kSmb2SessionSetup:
        return session_setup(s, *header, message, login);
      case kSmb2Echo:
        return smb2_response(*header, kStatusSuccess, header->session_id, smb2_echo_body());
      default:
        s.emit("command", {{"command", std::to_string(header->command)}});
        return smb2_response(*header, kStatusAccessDenied, header->session_id, smb2_error_body());
    }
    s.emit("protocol_error", {{"reason", "malformed SMB2 request"}});
    return {};
  }

  std::string session_setup(Session& s, const Smb2Header& header, std::string_view message,
                            Login& login) {
    const auto blob = parse_smb2_session_setup(message);
    const auto token = blob ? parse_spnego_client_token(*blob) : std::nullopt;
    if (!token) {
      s.emit("protocol_error", {{"reason", "session setup without SPNEGO or NTLMSSP"}});
      return smb2_response(header, kStatusLogonFailure, 0, smb2_error_body());
    }
    if (login.session_id == 0) login.session_id = random_session_id();
    const auto type = ntlm_message_type(token->mech_token);
    if (!type || *type == kNtlmNegotiate) {
      // No NTLMSSP yet (an empty or Kerberos first token): ask for it with the challenge
      // when a NEGOTIATE came, with the mechanism alone otherwise.
      std::string reply;
      if (type) {
        login.client_flags = parse_ntlm_negotiate(token->mech_token).value_or(0);
        core::secure_random_bytes(login.challenge);
        reply = ntlm_challenge(login.client_flags, identity(), login.challenge);
      }
      return smb2_response(header, kStatusMoreProcessingRequired, login.session_id,
                           smb2_session_setup_body(spnego_continue(reply)));
    }
    const auto auth = parse_ntlm_authenticate(token->mech_token);
    if (!auth) {
      s.emit("protocol_error", {{"reason", "malformed NTLMSSP message"}});
      return smb2_response(header, kStatusLogonFailure, login.session_id, smb2_error_body());
    }
    report_ntlm_login(s, "smb2", *auth, login.challenge);
    return smb2_response(header, kStatusLogonFailure, login.session_id, smb2_error_body());
  }

  NtlmServerIdentity identity() const {
    return {workgroup_, computer_, "", dns_computer_, windows_filetime_now()};
  }

  std::string workgroup_, computer_, dns_computer_;
  Smb2Server server_;
};

}  // namespace

std::unique_ptr<Service> make_smb_service(const Persona& persona, const ServiceSettings& settings) {
  return std::make_unique<SmbService>(persona, setting(settings, "workgroup"));
}

}  // namespace decnet::decky
