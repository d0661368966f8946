// Administering subscriptions, with every rule that governs them: the URL check (the SSRF guard,
// so a forbidden URL is refused at create and at every URL change), unique names, at least one
// pattern, the limit on subscriptions, secrets generated when not given and sealed before they
// are stored, the change announcement that makes every worker reload, a test ping and the
// redelivery of a dead letter. Failures are WebhookErrors whose kind the API maps to a status.
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

// Each subscription has a sender thread of its own; the count is bounded like every other
// resource a request can create.
inline constexpr std::size_t kMaxSubscriptions = 256;

struct SubscriptionRequest {
  std::string name;
  std::string url;
  std::optional<std::string> secret;  // generated when absent
  std::vector<std::string> patterns;  // simple expansions and advanced patterns, merged
  bool enabled = true;
  std::int64_t batch_max_events = 1;
  std::int64_t batch_max_wait_ms = 0;
};

struct SubscriptionChange {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::string> secret;
  std::optional<std::vector<std::string>> patterns;  // merged; must not end up empty
  std::optional<bool> enabled;                       // true also resets a tripped circuit
  std::optional<std::int64_t> batch_max_events;
  std::optional<std::int64_t> batch_max_wait_ms;
};

struct CreatedSubscription {
  store::WebhookSubscription row;
  std::string secret;  // shown once, to whoever created it
};

class WebhookAdmin {
 public:
  WebhookAdmin(store::Repository& repo, bus::Bus& bus, const SsrfGuard& guard,
               const Deliverer& deliverer, const SecretBox& secrets)
      : repo_(repo), bus_(bus), guard_(guard), deliverer_(deliverer), secrets_(secrets) {}

  // The normalised URL; throws WebhookError (kInvalid, "url") when malformed or forbidden.
  std::string check_url(const std::string& url) const;

  CreatedSubscription create(SubscriptionRequest request) const;
  // The subscription as it is after the change (unchanged when the change is empty).
  store::WebhookSubscription update(const std::string& uuid, SubscriptionChange change) const;
  // Deletes it with its delivery log and dead letters.
  void remove(const std::string& uuid) const;

  // One signed test.ping, a single attempt; never touches the counters or the breaker.
  DeliveryOutcome test(const store::WebhookSubscription& sub, const std::string& user) const;
  // Sends a dead letter's exact body again (full retry schedule); on success it is marked
  // redelivered and the attempts are recorded.
  DeliveryOutcome redeliver(const store::WebhookSubscription& sub,
                            const store::WebhookDeadLetter& letter) const;

 private:
  // Fire and forget: a bus failure never fails the request that changed the subscription.
  void announce_change(const std::string& uuid, const std::string& change) const;

  store::Repository& repo_;
  bus::Bus& bus_;
  const SsrfGuard& guard_;
  const Deliverer& deliverer_;
  const SecretBox& secrets_;
};

}  // namespace decnet::webhook
