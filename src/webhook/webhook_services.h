// The webhook layer assembled from configuration, for `decnet serve`: the resolver
// (DECNET_DNS_SERVERS), the SSRF guard (DECNET_WEBHOOK_ALLOW_PRIVATE), the deliverer, the sealed
// secrets (<DECNET_DATA_DIR>/webhook.key), the admin facade the API uses and the worker
// (DECNET_WEBHOOK_CIRCUIT_THRESHOLD).
#pragma once

#include <memory>

#include "bus/bus.h"
#include "core/config.h"
#include "store/repository.h"
#include "webhook/delivery.h"
#include "webhook/host_resolver.h"
#include "webhook/secret_box.h"
#include "webhook/ssrf_guard.h"
#include "webhook/webhook_admin.h"
#include "webhook/webhook_worker.h"

namespace decnet::webhook {

class WebhookServices {
 public:
  WebhookServices(const core::Config& config, store::Repository& repo, bus::Bus& bus);

  WebhookAdmin& admin() { return *admin_; }
  // A new worker component over these services (they must outlive it).
  std::unique_ptr<WebhookWorker> make_worker();

 private:
  store::Repository& repo_;
  bus::Bus& bus_;
  WorkerOptions worker_options_;
  std::unique_ptr<HostResolver> resolver_;
  std::unique_ptr<SsrfGuard> guard_;
  std::unique_ptr<Deliverer> deliverer_;
  std::unique_ptr<SecretBox> secrets_;
  std::unique_ptr<WebhookAdmin> admin_;
};

}  // namespace decnet::webhook
