#include "webhook/webhook_services.h"

#include <spdlog/spdlog.h>

namespace decnet::webhook {

WebhookServices::WebhookServices(const core::Config& config, store::Repository& repo, bus::Bus& bus)
    : repo_(repo), bus_(bus) {
  worker_options_.circuit_threshold = config.webhook_circuit_threshold();
  resolver_ = make_dns_resolver({.servers = config.dns_servers()});
  const bool allow_private = config.webhook_allow_private();
  if (allow_private) {
    spdlog::warn(
        "webhook: DECNET_WEBHOOK_ALLOW_PRIVATE is on; deliveries may reach private and loopback "
        "addresses");
  }
  guard_ = std::make_unique<SsrfGuard>(*resolver_, allow_private);
  deliverer_ = std::make_unique<Deliverer>(*guard_, RetryPolicy{});
  secrets_ =
      std::make_unique<SecretBox>(SecretBox::from_key_file(config.data_dir() / "webhook.key"));
  admin_ = std::make_unique<WebhookAdmin>(repo, bus, *guard_, *deliverer_, *secrets_);
}

std::unique_ptr<WebhookWorker> WebhookServices::make_worker() {
  return std::make_unique<WebhookWorker>(repo_, bus_, *deliverer_, *secrets_, worker_options_);
}

}  // namespace decnet::webhook
