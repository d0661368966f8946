// Name resolution for webhook destinations, through c-ares so that the servers can be chosen
// (DECNET_DNS_SERVERS: a lab resolver, or a local one in tests) and a lookup is bounded by a
// timeout instead of blocking a delivery thread inside getaddrinfo() for as long as the system
// resolver likes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/ip.h"

namespace decnet::webhook {

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // Every A and AAAA address of `host`, sorted, without duplicates. Throws WebhookError when
  // the name does not resolve, resolves to nothing or the lookup times out.
  virtual std::vector<core::IpAddress> resolve(const std::string& host) = 0;
};

struct DnsOptions {
  std::string servers;  // "ip[:port],..." (IPv6 as [addr]:port); empty: the system's resolvers
  std::chrono::milliseconds timeout = std::chrono::seconds(2);
};

std::unique_ptr<HostResolver> make_dns_resolver(DnsOptions options);

}  // namespace decnet::webhook
