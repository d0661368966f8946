// SMTP as Postfix answers it on a mail host that relays for anyone: EHLO, AUTH PLAIN and LOGIN
// (captured, refused), MAIL/RCPT (every recipient accepted, so a spammer testing for an open
// relay goes on to send), DATA (the message is counted and hashed, then described as
// message_stored: headers, each attachment's name, type, size, SHA-256 and warning signs, the
// URLs in its text; never delivered or kept).
//
// smtp_relay is the same server with one difference, the reason spammers look for open relays:
// when an upstream server is configured, the first `probe_limit` messages from each address
// (the probes a spammer sends to its own mailbox to test the relay) are delivered through it,
// so that the campaign which follows comes to the decky; everything after is kept to itself.
// At most 3 recipients a probe and 30 probes an hour are delivered in all, so the decky cannot
// be made a spam relay of any use.
#include <chrono>
#include <unordered_map>

#include "core/base64.h"
#include "core/hash.h"
#include "core/json_text.h"
#include "decky/net/smtp_delivery.h"
#include "decky/protocol/mail_message.h"
#include "decky/protocol/text_protocol.h"
#include "decky/services/sasl_exchange.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kMaxMessageBytes = 524'288;
constexpr std::size_t kMaxProbeRecipients = 3;
constexpr int kMaxProbesPerHour = 30;
constexpr std::size_t kMaxProbeAddresses = 4096;
constexpr std::chrono::seconds kDeliveryDeadline{60};

// Where a relay decky delivers probes, and how many per address.
struct RelayPolicy {
  SmtpUpstream upstream;
  int probe_limit = 1;
};

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}

class SmtpService final : public Service {
 public:
  SmtpService(const Persona& persona, const ServiceSettings& s,
              std::optional<RelayPolicy> relay = std::nullopt)
      : host_(persona.hostname + "." + persona.domain),
        banner_(setting(s, "banner")),
        relay_(std::move(relay)) {
    if (relay_) relay_->upstream.helo = host_;
    if (banner_.empty()) {
      const auto& mta = setting(s, "mta");
      banner_ = mta == "exim"       ? "ESMTP Exim 4.96 Debian"
                : mta == "sendmail" ? "ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2"
                                    : "ESMTP Postfix (Debian/GNU)";
    }
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connect", {});
    co_await s->write("220 " + host_ + " " + banner_ + "\r\n");
    std::string mail_from;
    std::vector<std::string> recipients;
    int commands = 0;
    while (auto line = co_await s->read_line()) {
      if (++commands > 300) break;
      const auto cmd = parse_text_command(line->text);
      std::string reply;
      if (cmd.verb == "EHLO" || cmd.verb == "HELO") {
        s->emit("ehlo", {{"domain", cmd.arg}});
        reply = cmd.verb == "HELO"
                    ? "250 " + host_
                    : "250-" + host_ +
                          "\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
                          "250-ETRN\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES"
                          "\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8";
      } else if (cmd.verb == "AUTH") {
        auto handled = co_await auth(*s, parse_text_command(cmd.arg));
        if (!handled) break;
        reply = *handled;
      } else if (cmd.verb == "MAIL") {
        mail_from = smtp_path_address(cmd.arg);
        s->emit("mail_from",
                {{"value", cmd.arg}, {"mail_from", mail_from}, {"domain", domain_of(mail_from)}});
        recipients.clear();
        reply = "250 2.1.0 Ok";
      } else if (cmd.verb == "RCPT") {
        s->emit("rcpt_to", {{"value", cmd.arg}});
        if (recipients.size() < 100) recipients.push_back(smtp_path_address(cmd.arg));
        reply = "250 2.1.5 Ok";
      } else if (cmd.verb == "DATA") {
        if (recipients.empty()) {
          reply = "554 5.5.1 Error: no valid recipients";
        } else {
          if (!co_await s->write("354 End data with <CR><LF>.<CR><LF>\r\n")) break;
          auto accepted = co_await data(*s, mail_from, recipients);
          if (!accepted) break;
          reply = *accepted;
          recipients.clear();
        }
      } else if (cmd.verb == "RSET") {
        recipients.clear();
        reply = "250 2.0.0 Ok";
      } else if (cmd.verb == "NOOP") {
        reply = "250 2.0.0 Ok";
      } else if (cmd.verb == "VRFY") {
        s->emit("vrfy", {{"value", cmd.arg}});
        reply = "252 2.0.0 " + cmd.arg.substr(0, 128);
      } else if (cmd.verb == "QUIT") {
        co_await s->write("221 2.0.0 Bye\r\n");
        break;
      } else if (cmd.verb.empty()) {
        continue;
      } else {
        s->emit("unknown_command", {{"command", line->text.substr(0, 128)}});
        reply = "502 5.5.2 Error: command not recognized";
      }
      if (!co_await s->write(reply + "\r\n")) break;
    }
    s->emit("disconnect", {});
  }

 private:
  // The reply to an AUTH exchange; nullopt when the connection ended during it.
  asio::awaitable<std::optional<std::string>> auth(Session& s, const TextCommand& mech) {
    std::string user, password;
    if (mech.verb == "PLAIN") {
      std::optional<std::string> response = mech.arg;
      if (response->empty()) response = co_await sasl_continuation(s, "334 ");
      if (!response) co_return std::nullopt;
      const auto plain = decode_sasl_plain(*response);
      if (!plain) co_return "501 5.5.2 Cannot decode response";
      user = plain->user;
      password = plain->password;
    } else if (mech.verb == "LOGIN") {
      std::optional<std::string> encoded_user = mech.arg;
      if (encoded_user->empty()) encoded_user = co_await sasl_continuation(s, "334 VXNlcm5hbWU6");
      if (!encoded_user) co_return std::nullopt;
      if (!co_await s.write("334 UGFzc3dvcmQ6\r\n")) co_return std::nullopt;
      auto next = co_await s.read_line();
      if (!next) co_return std::nullopt;
      const auto u = core::base64_decode(*encoded_user);
      const auto p = core::base64_decode(next->text);
      if (!u || !p) co_return "501 5.5.2 Cannot decode response";
      user = *u;
      password = *p;
    } else {
      co_return "535 5.7.8 Error: authentication failed: Invalid authentication mechanism";
    }
    Fields f;
    append_credential(f, user, password);
    s.emit("auth_attempt", std::move(f), Severity::kWarning);
    co_return "535 5.7.8 Error: authentication failed: authentication failure";
  }

  // Reads the message up to its lone dot; the reply, or nullopt when the connection ended.
  asio::awaitable<std::optional<std::string>> data(Session& s, const std::string& mail_from,
                                                   const std::vector<std::string>& recipients) {
    std::string body;
    bool truncated = false;
    while (true) {
      auto line = co_await s.read_line();
      if (!line) co_return std::nullopt;
      if (line->text == ".") break;
      std::string_view text = line->text;
      if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-stuffing
      if (body.size() + text.size() + 2 > kMaxMessageBytes) {
        truncated = true;
        continue;
      }
      body += text;
      body += "\r\n";
    }
    std::string rcpt;
    for (const auto& r : recipients) rcpt += (rcpt.empty() ? "" : ",") + r;
    const auto id = new_session_id().substr(0, 10);
    std::string queue_id;
    for (const char c : id) queue_id += static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
    s.emit("message_accepted", {{"mail_from", mail_from},
                                {"rcpt_to", rcpt},
                                {"body_bytes", std::to_string(body.size())},
                                {"truncated", truncated ? "True" : "False"},
                                {"msg_id", queue_id},
                                {"sha256", core::sha256_hex(body)}});
    report_contents(s, body, truncated, mail_from, rcpt, queue_id);
    if (relay_ && !truncated && take_probe(s.peer_ip())) {
      const std::vector<std::string> to(
          recipients.begin(), recipients.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                       recipients.size(), kMaxProbeRecipients)));
      asio::co_spawn(
          co_await asio::this_coro::executor,
          relay_probe(s.shared_from_this(), relay_->upstream, mail_from, to, body, queue_id),
          asio::detached);
    }
    co_return "250 2.0.0 Ok: queued as " + queue_id;
  }

  // True when a message from `ip` is still a probe to deliver; counts it.
  bool take_probe(const std::string& ip) {
    const auto now = std::chrono::steady_clock::now();
    if (now - hour_start_ > std::chrono::hours(1)) {
      hour_start_ = now;
      relayed_this_hour_ = 0;
    }
    if (relayed_this_hour_ >= kMaxProbesPerHour) return false;
    auto it = probes_by_address_.find(ip);
    if (it == probes_by_address_.end()) {
      if (probes_by_address_.size() >= kMaxProbeAddresses) return false;
      it = probes_by_address_.emplace(ip, 0).first;
    }
    if (it->second >= relay_->probe_limit) return false;
    ++it->second;
    ++relayed_this_hour_;
    return true;
  }

  // Runs after the client has its 250: a real relay queues, then delivers.
  static asio::awaitable<void> relay_probe(std::shared_ptr<Session> s, SmtpUpstream upstream,
                                           std::string mail_from, std::vector<std::string> to,
                                           std::string body, std::string queue_id) {
    const auto result = co_await deliver_mail(upstream, mail_from, to, body, kDeliveryDeadline);
    std::string rcpt;
    for (const auto& r : to) rcpt += (rcpt.empty() ? "" : ",") + r;
    s->emit("probe_relayed",
            {{"msg_id", queue_id},
             {"upstream", upstream.host + ":" + std::to_string(upstream.port)},
             {"rcpt_to", rcpt},
             {"outcome", result.delivered ? "delivered" : "failed"},
             {"reply", result.reply.substr(0, 256)}},
            result.delivered ? Severity::kInfo : Severity::kWarning);
  }

  // The message as the reference's message_stored line describes a quarantined mail: headers,
  // the attachment manifest, URLs. The message itself is not kept.
  static void report_contents(Session& s, const std::string& body, bool truncated,
                              const std::string& mail_from, const std::string& rcpt,
                              const std::string& queue_id) {
    const auto m = parse_mail_message(body);
    std::string urls = "[";
    for (const auto& u : m.urls) {
      if (urls.size() > 1) urls += ',';
      core::append_json_string(urls, u);
    }
    urls += ']';
    s.emit("message_stored", {{"msg_id", queue_id},
                              {"sha256", core::sha256_hex(body)},
                              {"size", std::to_string(body.size())},
                              {"truncated", truncated ? "1" : "0"},
                              {"mail_from", mail_from},
                              {"rcpt_to", rcpt},
                              {"subject", m.subject},
                              {"from_hdr", m.from},
                              {"to_hdr", m.to},
                              {"date_hdr", m.date},
                              {"message_id_hdr", m.message_id},
                              {"content_type", m.content_type},
                              {"return_path", m.return_path},
                              {"x_mailer", m.x_mailer},
                              {"dkim_signed", m.dkim_signed ? "1" : "0"},
                              {"attachment_count", std::to_string(m.attachments.size())},
                              {"attachments_json", attachments_json(m.attachments)},
                              {"urls_json", urls}});
  }

  std::string host_;
  std::string banner_;
  std::optional<RelayPolicy> relay_;
  std::unordered_map<std::string, int> probes_by_address_;
  int relayed_this_hour_ = 0;
  std::chrono::steady_clock::time_point hour_start_ = std::chrono::steady_clock::now();
};

}  // namespace

std::unique_ptr<Service> make_smtp_service(const Persona& persona,
                                           const ServiceSettings& settings) {
  return std::make_unique<SmtpService>(persona, settings);
}

std::unique_ptr<Service> make_smtp_relay_service(const Persona& persona,
                                                 const ServiceSettings& settings) {
  std::optional<RelayPolicy> relay;
  if (!setting(settings, "upstream_host").empty()) {
    relay = RelayPolicy{};
    relay->upstream.host = setting(settings, "upstream_host");
    relay->upstream.port =
        static_cast<std::uint16_t>(std::stoi(setting(settings, "upstream_port")));
    relay->upstream.user = setting(settings, "upstream_user");
    relay->upstream.password = setting(settings, "upstream_pass");
    relay->upstream.sender = setting(settings, "upstream_sender");
    relay->probe_limit = std::stoi(setting(settings, "probe_limit"));
  }
  return std::make_unique<SmtpService>(persona, settings, std::move(relay));
}

}  // namespace decnet::decky
