#include "api/api_service.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "api/auth/bootstrap.h"
#include "api/auth/secret_key.h"
#include "api/http/http_server.h"
#include "api/http/metrics.h"
#include "api/http/static_site.h"
#include "api/routes/api_routes.h"
#include "api/routes/routes.h"
#include "api/routes/stream_hub.h"
#include "api/routes/worker_registry.h"

namespace decnet::api {
namespace {

// How often open streams are checked against their tokens (expiry, and account changes made by
// another API process), and how often the logout denylist drops tokens that expired anyway.
constexpr auto kStreamRecheck = std::chrono::seconds(10);
constexpr auto kDenylistPurge = std::chrono::hours(1);

StaticSite load_site(const core::Config& config) {
  const auto value = config.web_dir();
  if (value == "off") return {};
  const auto root = value.empty() ? StaticSite::default_root() : std::filesystem::path(value);
  try {
    auto site = StaticSite::load(root);
    if (site.available()) {
      spdlog::info("api: dashboard from {} ({} files)", root.string(), site.file_count());
    } else {
      spdlog::warn("api: no built dashboard in {} (DECNET_WEB_DIR); / explains how to build it",
                   root.string());
    }
    return site;
  } catch (const std::exception& e) {
    throw core::ConfigError("DECNET_WEB_DIR: " + std::string(e.what()));
  }
}

}  // namespace

struct ApiService::State {
  State(const core::Config& config, store::Repository& repo, bus::Bus& bus,
        std::vector<std::string> workers, webhook::WebhookAdmin* webhooks,
        const vector::VectorStore* vectors, fleet::Fleet* fleet)
      : tokens(repo, load_jwt_secret(config), TokenServiceOptions::from_config(config)),
        logins(repo, tokens, LoginServiceOptions::from_config(config)),
        registry(bus, std::move(workers)),
        hub(bus, {}),
        context{repo, bus,     tokens,   logins,   tickets, &registry,
                &hub, &config, &metrics, webhooks, vectors, fleet},
        router(&tokens) {
    router.set_query_timeout(std::chrono::milliseconds(config.api_query_timeout_ms()));
    add_all_routes(router, context);
    site = load_site(config);
    router.set_fallback([this](const Request& request) { return site.serve(request); });
    tokens.set_account_listener([this](const std::string& user_uuid) {
      hub.revalidate_user(user_uuid, [this](const Principal& p) { return tokens.still_valid(p); });
    });
    server =
        std::make_unique<HttpServer>(HttpServer::Options::from_config(config), router, &metrics);
  }

  void housekeeping() {
    auto next_purge = std::chrono::steady_clock::now();
    std::unique_lock lock(housekeeping_mutex);
    while (!housekeeping_stop.wait_for(lock, kStreamRecheck, [&] { return stopping; })) {
      lock.unlock();
      try {
        hub.revalidate_all([this](const Principal& p) { return tokens.still_valid(p); });
        if (std::chrono::steady_clock::now() >= next_purge) {
          tokens.purge_expired();
          next_purge = std::chrono::steady_clock::now() + kDenylistPurge;
        }
      } catch (const std::exception& e) {
        spdlog::warn("api: housekeeping failed: {}", e.what());
      }
      lock.lock();
    }
  }

  TokenService tokens;
  LoginService logins;
  SseTicketStore tickets;
  WorkerRegistry registry;
  StreamHub hub;
  ApiContext context;
  Router router;
  MetricsRegistry metrics;
  StaticSite site;
  std::unique_ptr<HttpServer> server;
  std::thread housekeeper;
  std::mutex housekeeping_mutex;
  std::condition_variable housekeeping_stop;
  bool stopping = false;
};

ApiService::ApiService(const core::Config& config, store::Repository& repo, bus::Bus& bus,
                       std::vector<std::string> workers, webhook::WebhookAdmin* webhooks,
                       const vector::VectorStore* vectors, fleet::Fleet* fleet) {
  const auto admin = bootstrap_admin(repo, config);
  if (admin.generated_password) {
    // Shown once, on the terminal only: it is a credential and must never reach a log file.
    std::printf(
        "\nFirst start: created admin user '%s' with password: %s\n"
        "Log in and change it; until then only change-password and logout work.\n\n",
        admin.username.c_str(), admin.generated_password->c_str());
    std::fflush(stdout);
  }
  if (admin.admin_password_ignored) {
    spdlog::warn("DECNET_ADMIN_PASSWORD is set but users exist; it was not applied");
  }
  state_ = std::make_unique<State>(config, repo, bus, std::move(workers), webhooks, vectors, fleet);
}

ApiService::~ApiService() {
  stop();
}

void ApiService::start() {
  state_->server->start();
  {
    std::lock_guard lock(state_->housekeeping_mutex);
    state_->stopping = false;
  }
  if (!state_->housekeeper.joinable()) {
    state_->housekeeper = std::thread([state = state_.get()] { state->housekeeping(); });
  }
}

void ApiService::stop() {
  if (!state_) return;
  {
    std::lock_guard lock(state_->housekeeping_mutex);
    state_->stopping = true;
  }
  state_->housekeeping_stop.notify_all();
  if (state_->housekeeper.joinable()) state_->housekeeper.join();
  if (state_->server) state_->server->stop();
}

nlohmann::json ApiService::health() const {
  return state_->server->health();
}

std::uint16_t ApiService::port() const {
  return state_->server->port();
}

MetricsRegistry& ApiService::metrics() {
  return state_->metrics;
}

}  // namespace decnet::api
