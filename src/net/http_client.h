// DECNET's one outbound HTTP client (libcurl), used for webhook deliveries, threat-intel and
// RPKI queries and table downloads. Whatever the caller, redirects are never followed, only http
// and https are spoken, the answer kept in memory is capped, and a hostile server can neither
// hold a thread past the timeout nor grow memory past the cap.
//
// A caller that checked where it may connect (the webhook SSRF guard) pins that address: the
// connection goes to it (CURLOPT_RESOLVE) while the Host header and, for https, SNI and
// certificate verification keep the URL's host name; such a caller also turns proxies from the
// environment off, since they would bypass the pinning.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace decnet::net {

struct PinnedAddress {
  std::string host;     // the URL's host name
  std::uint16_t port;   // the URL's port
  std::string address;  // the checked address to connect to (IPv6 without brackets)
};

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent for POST
  std::chrono::milliseconds timeout{10'000};
  // Bytes of the answer kept. Past them the transfer fails ("larger than ...") unless
  // `truncate_body` is set, which keeps the first bytes and reads the rest away.
  std::size_t max_body = std::size_t{1} << 20;
  bool truncate_body = false;
  std::optional<PinnedAddress> pinned;  // set: connect there instead of resolving the host
  // False: proxies named in the environment are ignored (they would bypass a pinned address).
  bool use_environment_proxy = true;
  std::string user_agent;                     // empty: no User-Agent header
  const std::atomic<bool>* cancel = nullptr;  // set to true: abort the transfer (shutdown)
  // As the answer arrives: bytes so far, expected total (0 when the server did not say).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  // Keep this thread's connection open for the next request to the same server.
  bool reuse_connection = false;
};

struct HttpResponse {
  std::optional<long> status;  // nullopt: no HTTP answer, `error` says why
  std::string body;            // at most max_body bytes
  bool body_truncated = false;
  bool too_large = false;  // the answer passed max_body and truncate_body was off
  std::string error;
  std::optional<std::chrono::seconds> retry_after;  // from a Retry-After header
  double latency_ms = 0;
};

HttpResponse http_request(const HttpRequest& request);

// A Retry-After value: delta-seconds or an HTTP-date (RFC 9110, 10.2.3), relative to `now`.
// Nullopt for anything else; a date in the past is 0 s.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace decnet::net
