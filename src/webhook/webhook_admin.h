// What the API needs from the webhook layer to administer subscriptions: the URL check (the SSRF
// guard, so a forbidden URL is refused at create and at every URL change), sealing secrets,
// simple-mode expansion, the change announcement that makes every worker reload, a test ping and
// the redelivery of a dead letter. HTTP status mapping stays in the API.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "store/repository.h"
#include "store/webhook_repository.h"
#include "webhook/delivery.h"
#include "webhook/secret_box.h"
#include "webhook/ssrf_guard.h"

namespace decnet::webhook {

// "AttackerDetail" -> attacker.>; "DeckyStatus" -> decky.*.state, decky.*.traffic;
// "SystemStatus" -> system.>.
const std::vector<std::string>& simple_event_names();
// nullopt for an unknown name.
std::optional<std::vector<std::string>> simple_event_patterns(const std::string& name);
// Simple expansions first, then advanced patterns; exact duplicates and empty strings dropped.
std::vector<std::string> merge_patterns(const std::vector<std::string>& simple_patterns,
                                        const std::vector<std::string>& advanced);

// The warnings shown with a subscription (an http:// URL travels in plaintext).
std::vector<std::string> url_warnings(const std::string& url);

class WebhookAdmin {
 public:
  WebhookAdmin(store::Repository& repo, bus::Bus& bus, const SsrfGuard& guard,
               const Deliverer& deliverer, const SecretBox& secrets)
      : repo_(repo), bus_(bus), guard_(guard), deliverer_(deliverer), secrets_(secrets) {}

  // The normalised URL; throws WebhookError when the URL is malformed or forbidden.
  std::string check_url(const std::string& url) const;
  std::string seal(const std::string& secret) const { return secrets_.seal(secret); }
  // Fire and forget: a bus failure never fails the request that changed the subscription.
  void announce_change(const std::string& uuid, const std::string& change) const;

  // One signed test.ping, a single attempt; never touches the counters or the breaker.
  DeliveryOutcome test(const store::WebhookSubscription& sub, const std::string& user) const;
  // Sends a dead letter's exact body again (full retry schedule); on success it is marked
  // redelivered and the attempts are recorded.
  DeliveryOutcome redeliver(const store::WebhookSubscription& sub,
                            const store::WebhookDeadLetter& letter) const;

 private:
  store::Repository& repo_;
  bus::Bus& bus_;
  const SsrfGuard& guard_;
  const Deliverer& deliverer_;
  const SecretBox& secrets_;
};

}  // namespace decnet::webhook
