// `decnet serve`: the whole system in one process on the embedded defaults. It loads and
// validates the configuration, opens the runtime (data directory, bus, database, pipeline),
// starts the syslog receivers and runs everything under the supervisor until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>

#include "api/api_service.h"
#include "api/metrics.h"
#include "app/commands.h"
#include "app/runtime.h"
#include "app/signals.h"
#include "app/supervisor.h"
#include "core/config.h"
#include "core/log.h"
#include "core/time.h"
#include "enrich/enrichment_worker.h"
#include "enrich/intel_config.h"
#include "enrich/intel_worker.h"
#include "ingest/receivers.h"
#include "store/state_repository.h"
#include "webhook/webhook_services.h"

namespace decnet::app {
namespace {

// The tailed file's position lives in the state table, written at most once a second, so a
// restart resumes where the previous run stopped reading.
ingest::FileTailResume file_tail_resume(Runtime& runtime, const ingest::ReceiverOptions& options) {
  ingest::FileTailResume resume;
  if (options.file.empty()) return resume;
  const std::string key = "file_tail:" + std::filesystem::absolute(options.file).string();
  if (auto saved = runtime.repository().state().get(key)) {
    resume.offset = saved->value("offset", std::uint64_t{0});
  }
  auto last_write = std::make_shared<std::atomic<std::int64_t>>(0);
  auto& repo = runtime.repository();
  resume.on_offset = [&repo, key, last_write](std::uint64_t offset) {
    const auto now = core::now_micros();
    if (now - last_write->load() < 1'000'000) return;
    last_write->store(now);
    repo.submit({[&repo, key, offset](store::WriteScope& scope) {
                   repo.state().put(scope, key, {{"offset", offset}});
                 },
                 [](std::exception_ptr) {}});
  };
  return resume;
}

// Ingest, bus and store figures on GET /metrics, read at scrape time from the counters and
// health reports the components already keep (nothing is copied or sampled in between).
void register_metrics(api::MetricsRegistry& metrics, Runtime& runtime) {
  auto& bus = runtime.bus();
  metrics.counter_callback("decnet_bus_published_total", "Events published on the bus",
                           [&bus] { return static_cast<double>(bus.health().published); });
  metrics.counter_callback("decnet_bus_dropped_total",
                           "Events dropped by full subscriber queues, all subscribers", [&bus] {
                             double dropped = 0;
                             for (const auto& s : bus.health().subscribers) dropped += s.dropped;
                             return dropped;
                           });
  metrics.gauge_callback("decnet_bus_queued",
                         "Events waiting in subscriber queues, all subscribers", [&bus] {
                           double queued = 0;
                           for (const auto& s : bus.health().subscribers) queued += s.queued;
                           return queued;
                         });
  auto& repo = runtime.repository();
  metrics.gauge_callback("decnet_store_queued_writes", "Writes waiting for the database writer",
                         [&repo] { return static_cast<double>(repo.health().queued_writes); });
  metrics.counter_callback(
      "decnet_store_committed_batches_total", "Write batches committed to the database",
      [&repo] { return static_cast<double>(repo.health().committed_batches); });
  const auto& counters = runtime.pipeline().counters();
  struct IngestFigure {
    const char* name;
    const char* help;
    const std::atomic<std::uint64_t>* value;
  };
  const IngestFigure ingest[] = {
      {"received", "Lines accepted by the ingest pipeline", &counters.received},
      {"refused",
       "Times the queue was full when a receiver offered a line (streams and files wait and retry; "
       "datagrams are dropped)",
       &counters.refused},
      {"committed", "Log rows committed", &counters.committed},
      {"dead_letters", "Lines kept in the dead-letter table", &counters.dead_letters},
      {"credentials", "Credential attempts recorded", &counters.credentials},
      {"reuse_findings", "Credential reuse findings", &counters.reuse_findings},
      {"attackers_created", "New attackers created", &counters.attackers_created},
  };
  for (const auto& figure : ingest) {
    metrics.counter_callback(std::string("decnet_ingest_") + figure.name + "_total", figure.help,
                             [value = figure.value] {
                               return static_cast<double>(value->load(std::memory_order_relaxed));
                             });
  }
}

enrich::EnrichmentOptions enrichment_options(const core::Config& config) {
  const auto data = config.path("DECNET_DATA_DIR");
  const auto root = [&](const char* name, const char* fallback) {
    const auto path = config.path(name);
    return path.empty() ? data / fallback : path;
  };
  enrich::EnrichmentOptions options;
  options.geoip = config.flag("DECNET_GEOIP_ENABLED");
  options.asn = config.flag("DECNET_ASN_ENABLED");
  options.ptr = config.flag("DECNET_PTR_ENABLED");
  options.rpki = config.flag("DECNET_RPKI_ENABLED");
  options.rpki_options.base_url = config.str("DECNET_RPKI_URL");
  while (!options.rpki_options.base_url.empty() && options.rpki_options.base_url.back() == '/') {
    options.rpki_options.base_url.pop_back();
  }
  options.geoip_root = root("DECNET_GEOIP_ROOT", "geoip");
  options.asn_root = root("DECNET_ASN_ROOT", "asn");
  options.geoip_mmdb = config.path("DECNET_GEOIP_MMDB");
  options.asn_mmdb = config.path("DECNET_ASN_MMDB");
  options.dns.servers = config.str("DECNET_DNS_SERVERS");
  return options;
}

int serve() {
  block_shutdown_signals();
  const auto config = core::Config::load();
  core::init_logging(config);
  for (const auto& warning : config.warnings()) spdlog::warn("config: {}", warning);

  Runtime runtime(config, "serve");
  spdlog::info("decnet {} serving; data in {}; bus {}", DECNET_VERSION,
               std::filesystem::absolute(config.path("DECNET_DATA_DIR")).string(),
               runtime.bus().health().transport);

  // Declared before the supervisor: the webhook worker it runs borrows these services.
  std::unique_ptr<webhook::WebhookServices> webhooks;
  if (config.flag("DECNET_WEBHOOK_ENABLED")) {
    webhooks =
        std::make_unique<webhook::WebhookServices>(config, runtime.repository(), runtime.bus());
  }
  Supervisor supervisor(runtime.bus(),
                        std::chrono::seconds(config.integer("DECNET_HEARTBEAT_SECONDS")));
  supervisor.add(runtime.pipeline());
  if (runtime.malware_feed().enabled()) supervisor.add(runtime.malware_feed());
  const auto receiver_options = ingest::ReceiverOptions::from_config(config);
  auto receivers = ingest::make_receivers(receiver_options, runtime.pipeline(),
                                          file_tail_resume(runtime, receiver_options));
  std::vector<std::string> workers = {"ingest", "api"};
  for (const auto& r : receivers) workers.push_back(r->name());
  if (webhooks) workers.push_back("webhook");
  workers.push_back("enrich");
  if (runtime.malware_feed().enabled()) workers.push_back("malhash");
  const bool intel = config.flag("DECNET_INTEL_ENABLED");
  if (intel) workers.push_back("intel");
  // Constructed before any component starts, so its worker registry hears every first beat.
  auto api_service =
      std::make_unique<api::ApiService>(config, runtime.repository(), runtime.bus(), workers,
                                        webhooks ? &webhooks->admin() : nullptr);
  register_metrics(api_service->metrics(), runtime);
  supervisor.add(std::move(api_service));
  for (auto& receiver : receivers) supervisor.add(std::move(receiver));
  if (webhooks) supervisor.add(webhooks->make_worker());
  supervisor.add(std::make_unique<enrich::EnrichmentWorker>(runtime.repository(), runtime.bus(),
                                                            enrichment_options(config)));
  if (intel) {
    supervisor.add(std::make_unique<enrich::IntelWorker>(
        runtime.repository(), runtime.bus(),
        enrich::make_intel_providers(enrich::intel_config(config)),
        enrich::intel_worker_options(config)));
  }
  supervisor.start();
  spdlog::info("ready: {} components running", supervisor.running());

  const int signal = wait_for_shutdown_signal();
  spdlog::info("signal {} received, shutting down", signal);
  supervisor.stop();
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("serve", "Run DECNET (all components, one process)");
  cmd->callback([&action] { action = serve; });
}

}  // namespace decnet::app
