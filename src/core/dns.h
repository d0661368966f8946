// DNS through c-ares, for the two places DECNET asks: webhook destinations (forward lookups,
// checked by the SSRF guard) and attacker addresses (reverse lookups for PTR names). c-ares lets
// the servers be chosen (DECNET_DNS_SERVERS: a lab resolver, or a local one in tests) and bounds
// every lookup by a timeout, instead of blocking a thread inside getaddrinfo() or
// gethostbyaddr() for as long as the system resolver likes.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/ip.h"

namespace decnet::core {

class DnsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DnsOptions {
  std::string servers;  // "ip[:port],..." (IPv6 as [addr]:port); empty: the system's resolvers
  std::chrono::milliseconds timeout = std::chrono::seconds(2);
};

// Every A and AAAA address of `host`, sorted, without duplicates. Throws DnsError naming the
// host when it does not resolve, resolves to nothing or the lookup times out.
std::vector<IpAddress> resolve_addresses(const std::string& host, const DnsOptions& options);

// The PTR name of `ip`, or nullopt when there is none or the lookup fails or times out.
std::optional<std::string> reverse_lookup(const IpAddress& ip, const DnsOptions& options);

}  // namespace decnet::core
