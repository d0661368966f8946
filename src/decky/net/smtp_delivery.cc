#include "decky/net/smtp_delivery.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "core/base64.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

constexpr std::size_t kMaxReply = 16'384;

class Conversation {
 public:
  explicit Conversation(tcp::socket socket) : socket_(std::move(socket)) {}

  // The reply's code (0 when the connection failed) and its last line in `last_`.
  asio::awaitable<int> reply() {
    while (true) {
      boost::system::error_code ec;
      const auto n =
          co_await asio::async_read_until(socket_, asio::dynamic_buffer(buffer_, kMaxReply), "\r\n",
                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        last_ = "connection lost: " + ec.message();
        co_return 0;
      }
      last_ = buffer_.substr(0, n - 2);
      buffer_.erase(0, n);
      const bool final_line = last_.size() < 4 || last_[3] != '-';
      if (final_line) break;
    }
    int code = 0;
    for (std::size_t i = 0; i < 3 && i < last_.size(); ++i) {
      if (last_[i] < '0' || last_[i] > '9') co_return 0;
      code = code * 10 + (last_[i] - '0');
    }
    co_return last_.size() < 3 ? 0 : code;
  }

  asio::awaitable<int> command(const std::string& line) {
    boost::system::error_code ec;
    co_await asio::async_write(socket_, asio::buffer(line + "\r\n"),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      last_ = "connection lost: " + ec.message();
      co_return 0;
    }
    const int code = co_await reply();
    co_return code;
  }

  const std::string& last() const { return last_; }
  tcp::socket& socket() { return socket_; }

 private:
  tcp::socket socket_;
  std::string buffer_;
  std::string last_;
};

// The body with every line starting with a dot doubled, and the terminating dot.
std::string dot_stuffed(const std::string& body) {
  std::string out;
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find("\r\n", start);
    const auto line =
        body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!line.empty() && line[0] == '.') out += '.';
    out += line;
    out += "\r\n";
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out + ".\r\n";
}

asio::awaitable<SmtpDeliveryResult> converse(Conversation& c, const SmtpUpstream& up,
                                             const std::string& mail_from,
                                             const std::vector<std::string>& recipients,
                                             const std::string& body) {
  const auto failed = [&](std::string_view step) {
    return SmtpDeliveryResult{false, std::string(step) + ": " + c.last()};
  };
  const int greeting = co_await c.reply();
  if (greeting != 220) co_return failed("greeting");
  const int ehlo = co_await c.command("EHLO " + up.helo);
  if (ehlo != 250) co_return failed("EHLO");
  if (!up.user.empty()) {
    const auto token = core::base64_encode(std::string(1, '\0') + up.user + '\0' + up.password);
    const int auth = co_await c.command("AUTH PLAIN " + token);
    if (auth != 235) co_return failed("AUTH");
  }
  const auto& sender = up.sender.empty() ? mail_from : up.sender;
  const int mail = co_await c.command("MAIL FROM:<" + sender + ">");
  if (mail != 250) co_return failed("MAIL");
  int accepted = 0;
  for (const auto& r : recipients) {
    const int code = co_await c.command("RCPT TO:<" + r + ">");
    if (code == 250 || code == 251) ++accepted;
  }
  if (accepted == 0) co_return failed("RCPT");
  const int data = co_await c.command("DATA");
  if (data != 354) co_return failed("DATA");
  auto message = dot_stuffed(body);
  message.resize(message.size() - 2);  // command() ends the line
  const int queued = co_await c.command(message);
  if (queued != 250) co_return failed("message");
  SmtpDeliveryResult done{true, c.last()};
  co_await c.command("QUIT");
  co_return done;
}

asio::awaitable<SmtpDeliveryResult> deliver(const SmtpUpstream& upstream,
                                            const std::string& mail_from,
                                            const std::vector<std::string>& recipients,
                                            const std::string& body,
                                            std::chrono::seconds deadline) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  boost::system::error_code ec;
  const auto endpoints = co_await resolver.async_resolve(
      upstream.host, std::to_string(upstream.port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return SmtpDeliveryResult{false, "resolve: " + ec.message()};
  // The watchdog may fire after the delivery ended: it holds the conversation, not a reference.
  const auto c = std::make_shared<Conversation>(tcp::socket(executor));
  asio::steady_timer watchdog(executor, deadline);
  watchdog.async_wait([c](const boost::system::error_code& e) {
    if (!e) {
      boost::system::error_code ignored;
      c->socket().close(ignored);
    }
  });
  co_await asio::async_connect(c->socket(), endpoints,
                               asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    watchdog.cancel();
    co_return SmtpDeliveryResult{false, "connect: " + ec.message()};
  }
  auto result = co_await converse(*c, upstream, mail_from, recipients, body);
  watchdog.cancel();
  co_return result;
}

}  // namespace

asio::awaitable<SmtpDeliveryResult> deliver_mail(const SmtpUpstream& upstream,
                                                 const std::string& mail_from,
                                                 const std::vector<std::string>& recipients,
                                                 const std::string& body,
                                                 std::chrono::seconds deadline) {
  auto result = co_await deliver(upstream, mail_from, recipients, body, deadline);
  co_return result;
}

}  // namespace decnet::decky
