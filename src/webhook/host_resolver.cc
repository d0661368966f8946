#include "webhook/host_resolver.h"

#include "core/dns.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

class DnsResolver final : public HostResolver {
 public:
  explicit DnsResolver(DnsOptions options) : options_(std::move(options)) {}

  std::vector<core::IpAddress> resolve(const std::string& host) override {
    try {
      return core::resolve_addresses(host, options_);
    } catch (const core::DnsError& e) {
      throw WebhookError(std::string("URL ") + e.what());
    }
  }

 private:
  const core::DnsOptions options_;
};

}  // namespace

std::unique_ptr<HostResolver> make_dns_resolver(DnsOptions options) {
  return std::make_unique<DnsResolver>(std::move(options));
}

}  // namespace decnet::webhook
