// Name resolution for webhook destinations: an interface, so the SSRF guard's tests can pin
// answers, over core::resolve_addresses (c-ares, DECNET_DNS_SERVERS, bounded timeout).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/dns.h"
#include "core/ip.h"

namespace decnet::webhook {

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // Every A and AAAA address of `host`, sorted, without duplicates. Throws WebhookError when
  // the name does not resolve, resolves to nothing or the lookup times out.
  virtual std::vector<core::IpAddress> resolve(const std::string& host) = 0;
};

using DnsOptions = core::DnsOptions;

std::unique_ptr<HostResolver> make_dns_resolver(DnsOptions options);

}  // namespace decnet::webhook
