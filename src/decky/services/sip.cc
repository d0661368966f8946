// A SIP registrar and PBX (Asterisk, as Debian packages it) over UDP, the way toll-fraud
// scanners meet it: every request is reported with its method, URI, From, To and the
// User-Agent scanners give themselves away by; OPTIONS is answered; REGISTER and INVITE are
// challenged for Digest credentials (401 / 407 with a fresh nonce), and the answer is reported
// as `auth` (http_digest_md5: the response, with realm, nonce, URI, method, qop, nc and cnonce
// beside it, everything needed to test a word list against it) and refused with 403. No call is
// ever set up. An answer is never more than three times the size of its request: a SIP
// source can be forged, and a decky must not be an amplifier.
#include <array>

#include "core/hash.h"
#include "core/text.h"
#include "decky/net/datagram_peer.h"
#include "decky/protocol/http_credentials.h"
#include "decky/protocol/sip_message.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

constexpr std::string_view kAllow =
    "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE";

std::string random_hex(std::size_t bytes) {
  std::array<std::uint8_t, 16> raw{};
  core::secure_random_bytes(std::span(raw.data(), std::min(bytes, raw.size())));
  return core::to_hex(std::span<const std::uint8_t>(raw.data(), std::min(bytes, raw.size())));
}

bool challenged(std::string_view method) {
  return method == "REGISTER" || method == "INVITE" || method == "SUBSCRIBE" ||
         method == "MESSAGE" || method == "PUBLISH" || method == "REFER";
}

class SipService final : public DatagramService {
 public:
  SipService(std::string server, std::string realm)
      : server_(std::move(server)), realm_(std::move(realm)) {}

  std::string answer(std::string_view datagram, DatagramPeer& peer) override {
    const auto r = parse_sip_request(datagram);
    if (!r) {
      // Keep-alives (a bare CRLF) and responses are not worth a line each.
      if (!core::trim(datagram, " \t\r\n").empty() && datagram.rfind("SIP/2.0 ", 0) != 0) {
        peer.emit("malformed", {{"size", std::to_string(datagram.size())}});
      }
      return {};
    }
    Fields f{{"method", r->method}, {"uri", r->uri},         {"from", r->from},
             {"to", r->to},         {"call_id", r->call_id}, {"user_agent", r->user_agent}};
    if (!r->contact.empty()) f.emplace_back("contact", r->contact);
    peer.emit("request", std::move(f));
    if (r->method == "ACK") return {};

    SipHeaders extra{{"Server", server_}, {"Allow", std::string(kAllow)}};
    int code = 501;
    std::string reason = "Not Implemented";
    if (challenged(r->method)) {
      if (r->authorization.empty()) {
        const bool registrar = r->method == "REGISTER";
        code = registrar ? 401 : 407;
        reason = registrar ? "Unauthorized" : "Proxy Authentication Required";
        extra.emplace_back(
            registrar ? "WWW-Authenticate" : "Proxy-Authenticate",
            "Digest algorithm=MD5, realm=\"" + realm_ + "\", nonce=\"" + random_hex(8) + "\"");
      } else {
        report_credentials(*r, peer);
        code = 403;
        reason = "Forbidden";
      }
    } else if (r->method == "OPTIONS") {
      code = 200;
      reason = "OK";
      extra.emplace_back("Accept", "application/sdp");
      extra.emplace_back("Supported", "replaces, timer");
    } else if (r->method == "BYE" || r->method == "CANCEL") {
      code = 481;
      reason = "Call/Transaction Does Not Exist";
    }
    auto response = sip_response(*r, code, reason, extra, peer.ip(), peer.port(), random_hex(4));
    return response.size() <= 3 * datagram.size() ? response : std::string();
  }

 private:
  static void report_credentials(const SipRequest& r, DatagramPeer& peer) {
    const auto credential = classify_authorization(r.authorization);
    if (!credential || credential->secret_kind != "http_digest_md5") {
      peer.emit("auth_malformed", {{"method", r.method}});
      return;
    }
    Fields f;
    append_credential(f, credential->principal.value_or(""), credential->secret,
                      credential->secret_kind);
    const auto space = r.authorization.find(' ');
    const auto params = std::string_view(r.authorization).substr(space + 1);
    f.emplace_back("method", r.method);
    for (const auto* name : {"realm", "nonce", "uri", "algorithm", "qop", "nc", "cnonce"}) {
      if (const auto v = digest_param(params, name)) f.emplace_back(name, *v);
    }
    f.emplace_back("user_agent", r.user_agent);
    peer.emit("auth", std::move(f), Severity::kWarning);
  }

  std::string server_, realm_;
};

}  // namespace

std::unique_ptr<DatagramService> make_sip_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<SipService>(setting(settings, "server"), setting(settings, "realm"));
}

}  // namespace decnet::decky
