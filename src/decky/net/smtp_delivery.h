// The one thing a decky ever sends on an attacker's behalf: a relay decky delivering a
// spammer's probe message to an upstream mail server, so that the spammer, seeing the probe
// arrive, believes the relay open and sends the campaign the decky then keeps to itself. A
// plain SMTP client (EHLO, AUTH PLAIN when a user is configured, MAIL, RCPT, DATA) with one
// deadline over the whole delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "decky/net/coroutines.h"

namespace decnet::decky {

struct SmtpUpstream {
  std::string host;
  std::uint16_t port = 25;
  std::string user, password;  // AUTH PLAIN when user is set
  std::string sender;          // the envelope sender; empty: the original one
  std::string helo;            // the name the decky greets with
};

struct SmtpDeliveryResult {
  bool delivered = false;
  std::string reply;  // the upstream's last reply, or what went wrong
};

// Delivers `body` (the message as received, CRLF lines, not dot-stuffed) to `recipients`.
boost::asio::awaitable<SmtpDeliveryResult> deliver_mail(const SmtpUpstream& upstream,
                                                        const std::string& mail_from,
                                                        const std::vector<std::string>& recipients,
                                                        const std::string& body,
                                                        std::chrono::seconds deadline);

}  // namespace decnet::decky
