// The REST API as one component of `decnet serve`: it owns the authentication services, builds
// the route table (every route is registered here, so routing, role checks and the OpenAPI
// document come from one place) and runs the HTTP server on it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bus/bus.h"
#include "core/component.h"
#include "core/config.h"
#include "store/repository.h"

namespace decnet::fleet {
class Fleet;
}

namespace decnet::webhook {
class WebhookAdmin;
}
namespace decnet::vector {
class VectorStore;
}

namespace decnet::api {

class MetricsRegistry;

class ApiService final : public core::Component {
 public:
  // Loads the JWT key and creates the first admin when there is no user yet; a generated
  // password is printed once on standard output, never logged.
  // `workers` are listed by GET /workers even before their first heartbeat.
  // `webhooks`, when given, serves /api/v1/webhooks.
  ApiService(const core::Config& config, store::Repository& repo, bus::Bus& bus,
             std::vector<std::string> workers, webhook::WebhookAdmin* webhooks = nullptr,
             const vector::VectorStore* vectors = nullptr, fleet::Fleet* fleet = nullptr);
  ~ApiService() override;

  std::string name() const override { return "api"; }
  void start() override;
  void stop() override;
  nlohmann::json health() const override;
  std::uint16_t port() const;
  // The registry served on GET /metrics; other components add gauge and counter callbacks to
  // it (before start(), or at any time: the registry is thread-safe).
  MetricsRegistry& metrics();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace decnet::api
