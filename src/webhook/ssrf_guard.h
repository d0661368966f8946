// Where a webhook may send. Every address a URL's host resolves to must be public: loopback,
// private, link-local (the 169.254.169.254 metadata service), CGNAT, multicast, reserved,
// documentation, benchmark, site-local and unique-local IPv6, NAT64, 6to4 and Teredo are all
// refused, and so is any IPv4-mapped IPv6 address, whatever it maps to. The delivery then
// connects to the address that was checked (see HttpPoster), so a name that answers differently
// a second later (DNS rebinding) cannot redirect it.
//
// allow_private (DECNET_WEBHOOK_ALLOW_PRIVATE) lifts the address checks only, for labs and tests
// whose receivers are on loopback; the URL rules and the need to resolve still apply.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "webhook/host_resolver.h"
#include "webhook/webhook_url.h"

namespace decnet::webhook {

struct Destination {
  WebhookUrl url;
  std::vector<core::IpAddress> addresses;  // all checked; the first is connected to
};

// Why an address may not be contacted, or nullopt when it may.
std::optional<std::string> forbidden_reason(const core::IpAddress& ip);

class SsrfGuard {
 public:
  SsrfGuard(HostResolver& resolver, bool allow_private)
      : resolver_(resolver), allow_private_(allow_private) {}

  // Parses, resolves and checks `url`; throws WebhookError with a message for the admin.
  Destination check(std::string_view url) const;
  bool allow_private() const { return allow_private_; }

 private:
  HostResolver& resolver_;
  const bool allow_private_;
};

}  // namespace decnet::webhook
