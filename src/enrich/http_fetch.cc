// The intel services' view of net::http_request: a neutral user agent, environment proxies
// allowed (an operator's outbound proxy), and errors sorted into "network:" and "parse:".
#include "enrich/http_fetch.h"

#include "net/http_client.h"

namespace decnet::enrich {
namespace {

// What a stock curl sends: nothing in the services' logs points at a honeypot operator.
constexpr const char* kUserAgent = "curl/7.88.1";

}  // namespace

IntelHttpResponse http_fetch(const std::string& method, const std::string& url,
                             const std::vector<std::string>& headers, const std::string& body,
                             std::chrono::milliseconds timeout, std::size_t max_body,
                             const FetchProgress& on_progress) {
  net::HttpRequest request;
  request.method = method;
  request.url = url;
  for (const auto& line : headers) {
    const auto colon = line.find(':');
    auto value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(value.begin());
    request.headers.emplace_back(line.substr(0, colon), std::move(value));
  }
  request.body = body;
  request.timeout = timeout;
  request.max_body = max_body;
  request.user_agent = kUserAgent;
  request.progress = on_progress;
  auto response = net::http_request(request);
  IntelHttpResponse out;
  if (response.too_large) {
    out.error = "parse: " + response.error;
  } else if (!response.status) {
    out.error = "network: " + response.error;
  } else {
    out.status = response.status;
    out.body = std::move(response.body);
    out.retry_after = response.retry_after;
  }
  return out;
}

}  // namespace decnet::enrich
