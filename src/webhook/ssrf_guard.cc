#include "webhook/ssrf_guard.h"

#include "webhook/webhook_error.h"

namespace decnet::webhook {

std::optional<std::string> forbidden_reason(const core::IpAddress& ip) {
  if (ip.is_v4_mapped()) return std::string("ipv4-mapped");
  if (core::is_public(ip)) return std::nullopt;
  return std::string(core::to_string(core::classify(ip)));
}

Destination SsrfGuard::check(std::string_view text) const {
  std::string error;
  auto url = parse_webhook_url(text, error);
  if (!url) throw WebhookError(error);
  Destination out{*url, {}};
  if (url->literal) {
    out.addresses.push_back(*url->literal);
  } else {
    out.addresses = resolver_.resolve(url->host);
  }
  if (allow_private_) return out;
  for (const auto& ip : out.addresses) {
    if (auto reason = forbidden_reason(ip)) {
      throw WebhookError("URL host '" + url->host + "' resolves to forbidden address " + ip.str() +
                         " (" + *reason +
                         "); set DECNET_WEBHOOK_ALLOW_PRIVATE=true only for lab receivers");
    }
  }
  return out;
}

}  // namespace decnet::webhook
