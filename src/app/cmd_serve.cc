// `decnet serve`: the whole system in one process on the embedded defaults. It loads and
// validates the configuration, opens the runtime (data directory, bus, database, pipeline),
// starts the syslog receivers and runs everything under the supervisor until SIGINT or SIGTERM.
//
// The order is the shutdown story read backwards. The API starts first and stops last; the
// consumers of events (webhooks, enrichment, intel) start before the pipeline that publishes
// them; the receivers start last and stop first. So at SIGTERM nothing new is accepted, what the
// sockets already hold is drained into the pipeline, the pipeline commits and publishes it all
// while its consumers still listen, and only then do they stop.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>

#include "api/api_service.h"
#include "api/http/metrics.h"
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
#include "enrich/table_files.h"
#include "fleet/fleet.h"
#include "fleet/fleet_monitor.h"
#include "identity/attribution_worker.h"
#include "identity/campaign_worker.h"
#include "identity/identity_worker.h"
#include "ingest/file_tail.h"
#include "ingest/receivers.h"
#include "store/state_repository.h"
#include "ttp/attack_catalog.h"
#include "ttp/rule_loader.h"
#include "ttp/tagging_worker.h"
#include "webhook/webhook_services.h"

namespace decnet::app {
namespace {

// Where the tailed file's last committed line ended, stored by the ingest writer with the line.
ingest::FileTailResume file_tail_resume(Runtime& runtime, const ingest::ReceiverOptions& options) {
  ingest::FileTailResume resume;
  if (options.file.empty()) return resume;
  if (auto saved = runtime.repository().state().get(ingest::file_tail_state_key(options.file))) {
    resume.offset = saved->value("offset", std::uint64_t{0});
    if (saved->contains("inode")) resume.inode = saved->value("inode", std::uint64_t{0});
  }
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
                             for (const auto& s : bus.health().subscribers)
                               dropped += static_cast<double>(s.dropped);
                             return dropped;
                           });
  metrics.gauge_callback("decnet_bus_queued",
                         "Events waiting in subscriber queues, all subscribers", [&bus] {
                           double queued = 0;
                           for (const auto& s : bus.health().subscribers)
                             queued += static_cast<double>(s.queued);
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
      {"store_waits", "Times a full or locked database held ingest back", &counters.store_waits},
      {"resent_lines",
       "RELP lines a sender sent again after a reconnect, recognised as stored and not stored "
       "twice",
       &counters.resent_lines},
  };
  for (const auto& figure : ingest) {
    metrics.counter_callback(std::string("decnet_ingest_") + figure.name + "_total", figure.help,
                             [value = figure.value] {
                               return static_cast<double>(value->load(std::memory_order_relaxed));
                             });
  }
  auto& pipeline = runtime.pipeline();
  metrics.gauge_callback("decnet_ingest_queue_bytes",
                         "Bytes of received lines waiting for the ingest pipeline",
                         [&pipeline] { return static_cast<double>(pipeline.queued_bytes()); });
  metrics.gauge_callback("decnet_ingest_waiting_for_store",
                         "1 while a full or locked database holds ingest back",
                         [&counters] { return counters.waiting_for_store.load() ? 1.0 : 0.0; });
  metrics.gauge_callback("decnet_ingest_queue_limit_bytes",
                         "Limit of the ingest queue (DECNET_INGEST_QUEUE_BYTES)",
                         [&pipeline] { return static_cast<double>(pipeline.queue_limit_bytes()); });
}

// Each receiver's counters, labelled by receiver, read from its health report at scrape time.
// The receivers belong to the supervisor, which outlives the API that serves the scrape.
void register_receiver_metrics(api::MetricsRegistry& metrics,
                               const std::vector<const core::Component*>& receivers) {
  struct Figure {
    const char* key;
    const char* help;
  };
  static constexpr Figure kCounters[] = {
      {"lines", "Lines received"},
      {"bytes", "Payload bytes received"},
      {"oversize", "Lines longer than the line limit, kept truncated"},
      {"skipped_bytes", "Bytes beyond the line limit of oversize lines, dropped"},
      {"framing_errors", "Runs of bytes that were not a frame, kept as dead letters"},
      {"refused", "Datagrams dropped because the ingest queue was full"},
      {"kernel_drops", "Datagrams the kernel dropped because the receive buffer was full"},
      {"over_limit", "Connections refused: no slot and none silent long enough to close"},
      {"evicted", "Silent connections closed to make room for a new one"},
      {"idle_closed", "Connections closed for silence"},
      {"tls_rejected", "Failed TLS handshakes and unregistered client certificates"},
      {"lost_at_stop", "Lines read at shutdown that the pipeline would not take"},
  };
  for (const auto* receiver : receivers) {
    const api::Labels labels = {{"receiver", receiver->name()}};
    for (const auto& figure : kCounters) {
      metrics.counter_callback(
          std::string("decnet_syslog_") + figure.key + "_total", figure.help,
          [receiver, key = figure.key] { return receiver->health().value(key, 0.0); }, labels);
    }
    metrics.gauge_callback(
        "decnet_syslog_connections", "Open connections (stream receivers)",
        [receiver] { return receiver->health().value("active", 0.0); }, labels);
  }
}

enrich::EnrichmentOptions enrichment_options(const core::Config& config) {
  enrich::EnrichmentOptions options;
  options.geoip = config.geoip_enabled();
  options.asn = config.asn_enabled();
  options.ptr = config.ptr_enabled();
  options.rpki = config.rpki_enabled();
  options.rpki_options.base_url = config.rpki_url();
  while (!options.rpki_options.base_url.empty() && options.rpki_options.base_url.back() == '/') {
    options.rpki_options.base_url.pop_back();
  }
  options.geoip_root = enrich::table_dir(config.geoip_root(), config.data_dir(), "geoip");
  options.asn_root = enrich::table_dir(config.asn_root(), config.data_dir(), "asn");
  options.geoip_mmdb = config.geoip_mmdb();
  options.asn_mmdb = config.asn_mmdb();
  options.dns.servers = config.dns_servers();
  return options;
}

int serve() {
  block_shutdown_signals();
  const auto config = core::Config::load();
  core::init_logging(config);
  for (const auto& warning : config.warnings()) spdlog::warn("config: {}", warning);

  Runtime runtime(config, "serve");
  spdlog::info("decnet {} serving; data in {}; bus {}", DECNET_VERSION,
               std::filesystem::absolute(config.data_dir()).string(),
               runtime.bus().health().transport);

  // The ATT&CK rules load whole before anything is served; a bad rule stops start-up, naming it.
  std::unique_ptr<ttp::TaggingWorker> tagging;
  if (config.ttp_enabled()) {
    const auto dir = config.ttp_rules_dir().empty() ? ttp::shipped_rule_directory()
                                                    : std::filesystem::path(config.ttp_rules_dir());
    try {
      auto rules = ttp::load_rule_directory(dir);
      const auto& catalog = ttp::AttackCatalog::shipped();
      spdlog::info("ttp: {} rules from {}; ATT&CK {} catalogue, {} techniques", rules.size(),
                   dir.string(), catalog.version(), catalog.size());
      for (const auto& rule : rules) {
        for (const auto& e : rule.emits) {
          const auto& id = e.sub_technique_id.value_or(e.technique_id);
          if (!catalog.technique(id)) {
            spdlog::warn("ttp: rule {} emits {}, which the ATT&CK catalogue does not name",
                         rule.rule_id, id);
          }
        }
      }
      tagging = std::make_unique<ttp::TaggingWorker>(runtime.repository(), runtime.bus(), dir,
                                                     std::move(rules));
    } catch (const ttp::RuleError& e) {
      throw core::ConfigError("DECNET_TTP_RULES_DIR: " + std::string(e.what()));
    }
  }

  // Declared before the supervisor: the webhook worker it runs borrows these services.
  std::unique_ptr<webhook::WebhookServices> webhooks;
  if (config.webhook_enabled()) {
    webhooks =
        std::make_unique<webhook::WebhookServices>(config, runtime.repository(), runtime.bus());
  }
  // The fleet on this host, shared by its monitor and the API, which the supervisor runs.
  fleet::Fleet fleet(runtime.repository(), &runtime.bus(), fleet::fleet_options(config));
  Supervisor supervisor(runtime.bus(), std::chrono::seconds(config.heartbeat_seconds()));
  if (webhooks) supervisor.add(webhooks->make_worker());
  supervisor.add(std::make_unique<enrich::EnrichmentWorker>(runtime.repository(), runtime.bus(),
                                                            enrichment_options(config)));
  if (config.intel_enabled()) {
    supervisor.add(std::make_unique<enrich::IntelWorker>(
        runtime.repository(), runtime.bus(),
        enrich::make_intel_providers(enrich::intel_config(config)),
        enrich::intel_worker_options(config)));
  }
  if (runtime.malware_feed().enabled()) supervisor.add(runtime.malware_feed());
  if (tagging) {
    runtime.pipeline().set_tag_sink(tagging.get());
    supervisor.add(std::move(tagging));
  }
  if (config.identity_enabled()) {
    auto identities = std::make_unique<identity::IdentityWorker>(
        runtime.repository(), runtime.bus(),
        identity::IdentityWorkerOptions{
            .common_after = static_cast<std::size_t>(config.identity_common_after()),
            .vectors = &runtime.vectors()});
    runtime.pipeline().set_identity_sink(identities.get());
    supervisor.add(std::move(identities));
    supervisor.add(std::make_unique<identity::CampaignWorker>(runtime.repository(), runtime.bus()));
    supervisor.add(
        std::make_unique<identity::AttributionWorker>(runtime.repository(), runtime.bus()));
  }
  // The deckies this host deploys: checked (and brought back) before the receivers open.
  supervisor.add(std::make_unique<fleet::FleetMonitor>(
      fleet, std::chrono::seconds(config.fleet_check_seconds())));
  supervisor.add(runtime.pipeline());
  const auto receiver_options = ingest::ReceiverOptions::from_config(config);
  auto receivers = ingest::make_receivers(receiver_options, runtime.pipeline(),
                                          file_tail_resume(runtime, receiver_options));
  std::vector<const core::Component*> receiver_list;
  for (auto& receiver : receivers) {
    receiver_list.push_back(receiver.get());
    supervisor.add(std::move(receiver));
  }
  // Constructed before any component starts, so its worker registry hears every first beat.
  auto workers = supervisor.names();
  workers.insert(workers.begin(), "api");
  auto api_service = std::make_unique<api::ApiService>(
      config, runtime.repository(), runtime.bus(), workers, webhooks ? &webhooks->admin() : nullptr,
      &runtime.vectors(), &fleet);
  register_metrics(api_service->metrics(), runtime);
  register_receiver_metrics(api_service->metrics(), receiver_list);
  supervisor.add_first(std::move(api_service));
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
