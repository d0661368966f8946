// One HTTP request to an outside information service (threat intel, RPKI), through libcurl:
// a neutral user agent (nothing naming DECNET, so the services' logs do not reveal a honeypot
// operator), no redirects, a timeout and a cap on the response size.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace decnet::enrich {

struct IntelHttpResponse {
  std::optional<long> status;  // nullopt: no HTTP answer (error says why)
  std::string body;
  std::string error;
  std::optional<std::chrono::seconds> retry_after;
};

// `headers` are "Name: value" lines; `body` is sent for POST. Errors start with "network:" (no
// answer) or "parse:" (an answer larger than max_body).
// `on_progress`, when given, is called as the answer arrives with (bytes so far, expected total,
// 0 when the server did not say).
using FetchProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;
IntelHttpResponse http_fetch(const std::string& method, const std::string& url,
                             const std::vector<std::string>& headers, const std::string& body,
                             std::chrono::milliseconds timeout, std::size_t max_body,
                             const FetchProgress& on_progress = {});

}  // namespace decnet::enrich
