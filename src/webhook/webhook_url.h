// A webhook URL, parsed strictly. The SSRF guard decides from the parsed host which addresses may
// be contacted, so the parser refuses every spelling that could make the host mean something
// other than what an operator reads: legacy numeric IPv4 forms ("2130706433", "0x7f.1",
// "0177.0.0.1", "127.1"), user-info ("user@host", which also keeps passwords out of a URL that
// the API shows on every read), IPv6 zones, non-ASCII hosts (use the punycode form), and
// whitespace or control characters anywhere. What it accepts is normalised the way the
// reference stores it: scheme and host lower-cased, the default port dropped, "/" for an empty
// path; a fragment is dropped because it is never sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip.h"

namespace decnet::webhook {

inline constexpr std::size_t kMaxUrlLength = 2048;

struct WebhookUrl {
  std::string scheme;                      // "http" or "https"
  std::string host;                        // lower-case name, or the address text (no brackets)
  std::optional<core::IpAddress> literal;  // set when the host is an IP address
  std::uint16_t port = 0;                  // effective port (80 / 443 when not given)
  std::string target;                      // path and query, starting with '/'

  bool https() const { return scheme == "https"; }
  std::uint16_t default_port() const { return https() ? 443 : 80; }
  // The normalised URL.
  std::string str() const;
  // The Host header: host, ":port" only when not the default, an IPv6 address in brackets.
  std::string host_header() const;
};

// Parses `text`; on failure returns nullopt and sets `error` to a message naming the problem.
std::optional<WebhookUrl> parse_webhook_url(std::string_view text, std::string& error);

}  // namespace decnet::webhook
