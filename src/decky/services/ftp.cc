// FTP as vsftpd answers it to a client that never gets in: every USER and PASS is captured
// (plaintext) and refused, and the paths asked for are reported. Unlike the reference, the
// credential line carries the client's address, so an FTP password is tied to who sent it.
#include "decky/protocol/text_protocol.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

class FtpService final : public Service {
 public:
  explicit FtpService(const ServiceSettings& s) : banner_(setting(s, "banner")) {}

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connection", {});
    co_await s->write("220 " + banner_ + "\r\n");
    std::string user;
    int commands = 0;
    while (auto line = co_await s->read_line()) {
      if (++commands > 200) break;
      const auto cmd = parse_text_command(line->text);
      std::string reply;
      if (cmd.verb == "USER") {
        user = cmd.arg;
        s->emit("user", {{"username", user}});
        reply = "331 Please specify the password.";
      } else if (cmd.verb == "PASS") {
        Fields f;
        append_credential(f, user, cmd.arg);
        s->emit("auth_attempt", std::move(f));
        reply = "530 Login incorrect.";
      } else if (cmd.verb == "QUIT") {
        co_await s->write("221 Goodbye.\r\n");
        break;
      } else if (cmd.verb == "SYST") {
        reply = "215 UNIX Type: L8";
      } else if (cmd.verb == "FEAT") {
        reply =
            "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n "
            "TVFS\r\n UTF8\r\n211 End";
      } else if (cmd.verb == "RETR") {
        s->emit("download_attempt", {{"path", cmd.arg}});
        reply = "530 Please login with USER and PASS.";
      } else if (cmd.verb == "NOOP") {
        reply = "200 NOOP ok.";
      } else if (cmd.verb.empty()) {
        continue;
      } else {
        reply = "530 Please login with USER and PASS.";
      }
      if (!co_await s->write(reply + "\r\n")) break;
    }
    s->emit("disconnect", {});
  }

 private:
  std::string banner_;
};

}  // namespace

std::unique_ptr<Service> make_ftp_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<FtpService>(settings);
}

}  // namespace decnet::decky
