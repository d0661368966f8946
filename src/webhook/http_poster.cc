// A delivery is one net::http_request to the address the SSRF guard checked, on this thread's
// kept-alive connection, keeping only an excerpt of whatever the receiver answers.
#include "webhook/http_poster.h"

#include "net/http_client.h"

namespace decnet::webhook {

HttpResult http_post(const Destination& destination,
                     const std::map<std::string, std::string>& headers, const std::string& body,
                     std::chrono::milliseconds timeout, const std::atomic<bool>* cancel) {
  const auto& url = destination.url;
  net::HttpRequest request;
  request.method = "POST";
  request.url = url.str();
  request.headers.assign(headers.begin(), headers.end());
  request.body = body;
  request.timeout = timeout;
  request.max_body = kMaxResponseExcerpt;
  request.truncate_body = true;
  request.cancel = cancel;
  request.reuse_connection = true;
  request.use_environment_proxy = false;
  if (!url.literal) {
    request.pinned = net::PinnedAddress{url.host, url.port, destination.addresses.front().str()};
  }
  auto response = net::http_request(request);
  HttpResult result;
  result.latency_ms = response.latency_ms;
  if (response.status) {
    result.status = response.status;
    result.retry_after = response.retry_after;
    result.excerpt = std::move(response.body);
  } else {
    result.error = std::move(response.error);
  }
  return result;
}

}  // namespace decnet::webhook
