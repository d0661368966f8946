// A VNC server (RFB 3.3 to 3.8) that asks for a password: the client's version and chosen
// security type are reported, then a fresh 16-byte challenge goes out and the client's DES
// answer comes back as `auth_response` (vnc_des_response), with the challenge beside it so the
// answer can be checked against a word list offline. Every answer fails, as a wrong password
// does.
#include <array>

#include "core/hash.h"
#include "decky/protocol/rfb_handshake.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr char kVncAuthentication = 2;

class VncService final : public ConversationService {
 public:
 private:
  asio::awaitable<void> converse(Session& s) override {
    const bool greeted = co_await s.write("RFB 003.008\n");
    if (!greeted) co_return;
    const auto offered = co_await s.read_exact(kRfbVersionBytes);
    if (!offered) co_return;
    const auto parsed = parse_rfb_version(*offered);
    if (!parsed) {
      s.emit("protocol_error", {{"reason", "not an RFB version"}});
      co_return;
    }
    s.emit("version", {{"client_version", offered->substr(0, 11)}});
    const auto version = negotiated_rfb_version(*parsed);
    if (version.minor == 3) {  // 3.3: the server names the one security type
      const bool sent = co_await s.write(std::string("\0\0\0\x02", 4));
      if (!sent) co_return;
    } else {
      const bool sent = co_await s.write(std::string("\x01\x02", 2));
      if (!sent) co_return;
      const auto choice = co_await s.read_exact(1);
      if (!choice) co_return;
      s.emit("security_choice",
             {{"type", std::to_string(static_cast<unsigned char>((*choice)[0]))}});
      if ((*choice)[0] != kVncAuthentication) {
        co_await s.write(rfb_security_failed(version, "Security type not offered"));
        co_return;
      }
    }
    std::array<std::uint8_t, 16> challenge{};
    core::secure_random_bytes(challenge);
    const std::string challenge_bytes(challenge.begin(), challenge.end());
    const bool asked = co_await s.write(challenge_bytes);
    if (!asked) co_return;
    const auto response = co_await s.read_exact(16);
    if (!response) co_return;
    const auto printable = core::to_hex(*response);
    s.emit("auth_response", {{"response", printable},
                             {"secret_kind", "vnc_des_response"},
                             {"secret_printable", printable},
                             {"secret_b64", encode_secret(*response).b64},
                             {"challenge", core::to_hex(challenge_bytes)}});
    co_await s.write(rfb_security_failed(version, "Authentication failed"));
  }
};

}  // namespace

std::unique_ptr<Service> make_vnc_service(const Persona&, const ServiceSettings&) {
  return std::make_unique<VncService>();
}

}  // namespace decnet::decky
