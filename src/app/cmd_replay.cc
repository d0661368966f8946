// `decnet replay FILE...`: imports existing RFC 5424 logs through the normal pipeline, with a
// progress bar on a terminal. Safe to run twice: already imported lines are skipped.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "app/runtime.h"
#include "core/config.h"
#include "core/log.h"
#include "core/time.h"
#include "ingest/replay.h"

namespace decnet::app {
namespace {

void draw_progress(const std::string& name, const ingest::ReplayProgress& p, double seconds) {
  const double fraction =
      p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 1;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stderr, "\r%s [%s%s] %5.1f%% %llu lines %.0f lines/s ", name.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
               fraction * 100, static_cast<unsigned long long>(p.lines),
               seconds > 0 ? static_cast<double>(p.lines) / seconds : 0.0);
  std::fflush(stderr);
}

int replay(const std::vector<std::string>& files) {
  const auto config = core::Config::load();
  core::init_logging(config);
  Runtime runtime(config, "replay");
  runtime.pipeline().start();
  const bool tty = ::isatty(2) != 0;
  int status = 0;
  for (const auto& file : files) {
    const auto name = std::filesystem::path(file).filename().string();
    const auto started = core::now_micros();
    try {
      const auto result = ingest::replay_file(
          file, runtime.pipeline(), runtime.repository(),
          static_cast<std::size_t>(config.syslog_max_line_bytes()),
          [&](const ingest::ReplayProgress& p) {
            if (tty)
              draw_progress(name, p, static_cast<double>(core::now_micros() - started) / 1e6);
          });
      if (tty) std::fputc('\n', stderr);
      const auto& p = result.progress;
      std::fprintf(stderr, "%s: %llu lines imported, %llu already imported earlier\n", file.c_str(),
                   static_cast<unsigned long long>(p.lines),
                   static_cast<unsigned long long>(p.skipped));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s%s: %s\n", tty ? "\n" : "", file.c_str(), e.what());
      status = 1;
    }
  }
  runtime.pipeline().stop();
  const auto& c = runtime.pipeline().counters();
  std::fprintf(stderr, "stored %llu events, %llu dead letters, %llu credentials\n",
               static_cast<unsigned long long>(c.committed.load()),
               static_cast<unsigned long long>(c.dead_letters.load()),
               static_cast<unsigned long long>(c.credentials.load()));
  return status;
}

}  // namespace

void add_replay_command(CLI::App& root, Action& action) {
  auto* cmd = root.add_subcommand("replay", "Import existing syslog files (idempotent)");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "RFC 5424 log files, one event per line")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([&action, files] { action = [files] { return replay(*files); }; });
}

}  // namespace decnet::app
