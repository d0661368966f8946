// One HTTP POST to a checked destination, through libcurl. The connection goes to the address
// the SSRF guard validated (a name is pinned with CURLOPT_RESOLVE), while the Host header and,
// for https, SNI and certificate verification keep the URL's host name. Redirects are never
// followed, proxies from the environment are ignored (they would bypass the pinning), and only
// the first few kilobytes of a response are kept, so a hostile receiver can neither redirect a
// delivery inward nor exhaust memory. Each calling thread keeps one libcurl handle, so a
// sender's requests to its receiver reuse a kept-alive connection.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "webhook/ssrf_guard.h"

namespace decnet::webhook {

inline constexpr std::size_t kMaxResponseExcerpt = 512;

struct HttpResult {
  std::optional<long> status;                       // nullopt: no HTTP response
  std::string error;                                // network error text when status is nullopt
  std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header
  double latency_ms = 0;
  std::string excerpt;  // start of the response body, at most kMaxResponseExcerpt bytes
};

// `cancel`, when given and set, aborts a request in flight (shutdown).
HttpResult http_post(const Destination& destination,
                     const std::map<std::string, std::string>& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const std::atomic<bool>* cancel = nullptr);

}  // namespace decnet::webhook
