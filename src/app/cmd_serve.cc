// `decnet serve`: the whole system in one process on the embedded defaults. It loads and
// validates the configuration, opens the runtime (data directory, bus, database, pipeline),
// starts the syslog receivers and runs everything under the supervisor until SIGINT or SIGTERM.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>

#include "api/api_service.h"
#include "app/commands.h"
#include "app/runtime.h"
#include "app/signals.h"
#include "app/supervisor.h"
#include "core/config.h"
#include "core/log.h"
#include "core/time.h"
#include "ingest/receivers.h"
#include "store/state_repository.h"

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

int serve() {
  block_shutdown_signals();
  const auto config = core::Config::load();
  core::init_logging(config);
  for (const auto& warning : config.warnings()) spdlog::warn("config: {}", warning);

  Runtime runtime(config, "serve");
  spdlog::info("decnet {} serving; data in {}; bus {}", DECNET_VERSION,
               std::filesystem::absolute(config.path("DECNET_DATA_DIR")).string(),
               runtime.bus().health().transport);

  Supervisor supervisor(runtime.bus(),
                        std::chrono::seconds(config.integer("DECNET_HEARTBEAT_SECONDS")));
  supervisor.add(runtime.pipeline());
  const auto receiver_options = ingest::ReceiverOptions::from_config(config);
  auto receivers = ingest::make_receivers(receiver_options, runtime.pipeline(),
                                          file_tail_resume(runtime, receiver_options));
  std::vector<std::string> workers = {"ingest", "api"};
  for (const auto& r : receivers) workers.push_back(r->name());
  // Constructed before any component starts, so its worker registry hears every first beat.
  supervisor.add(
      std::make_unique<api::ApiService>(config, runtime.repository(), runtime.bus(), workers));
  for (auto& receiver : receivers) supervisor.add(std::move(receiver));
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
