#include "app/runtime.h"

#include <sys/stat.h>

#include <charconv>
#include <filesystem>
#include <stdexcept>

#include "bus/factory.h"
#include "core/text.h"
#include "vector/factory.h"

namespace decnet::app {
namespace {

void prepare_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create data directory " + dir.string() + ": " + ec.message());
  }
  ::chmod(dir.c_str(), 0750);
}

// DECNET_PROFILER_SCORE_THRESHOLDS: comma-separated scores 1..100.
std::vector<int> score_thresholds(const std::string& text) {
  const auto refuse = [&] {
    return core::ConfigError("DECNET_PROFILER_SCORE_THRESHOLDS='" + text +
                             "': expected comma-separated scores from 1 to 100");
  };
  std::vector<int> out;
  for (const auto& item : core::split_comma_list(text)) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || ptr != item.data() + item.size() || value < 1 || value > 100) {
      throw refuse();
    }
    out.push_back(value);
  }
  if (out.empty()) throw refuse();
  return out;
}

}  // namespace

Runtime::Runtime(const core::Config& config, const std::string& bus_client_name) {
  prepare_data_dir(config.data_dir());
  bus_ = bus::make_bus(config, bus_client_name);
  repo_ = store::open_repository(config);
  reuse_ = std::make_unique<correlate::CredentialReuseIndex>();
  enrich::MalwareHashFeedOptions feed;
  feed.auth_key = config.intel_enabled() ? config.malwarebazaar_auth_key() : "";
  feed.url = config.malwarebazaar_url();
  feed.refresh = std::chrono::hours(config.malwarebazaar_refresh_hours());
  malware_feed_ = std::make_unique<enrich::MalwareHashFeed>(feed);
  vectors_ = vector::make_vector_store(config);
  vectors_->initialize();
  ingest::PipelineOptions options;
  options.vectors = vectors_.get();
  options.queue_bytes = static_cast<std::size_t>(config.ingest_queue_bytes());
  options.batch_bytes = static_cast<std::size_t>(config.ingest_batch_bytes());
  if (malware_feed_->enabled()) {
    options.attachment_verdict = [feed = malware_feed_.get()](const std::string& sha256) {
      return feed->known_bad(sha256);
    };
  }
  if (config.profiler_enabled()) {
    correlate::ProfilerOptions profiler;
    profiler.sessions.idle_timeout_us = config.session_idle_seconds() * 1'000'000;
    profiler.sessions.max_open = static_cast<std::size_t>(config.session_max_open());
    profiler.max_profiles = static_cast<std::size_t>(config.profiler_max_attackers());
    profiler.score_thresholds = score_thresholds(config.profiler_score_thresholds());
    options.profiler = std::move(profiler);
    options.recordings.data_dir = config.data_dir();
    options.recordings.max_bytes = static_cast<std::size_t>(config.recording_max_bytes());
    options.recordings.retention = std::chrono::hours(24 * config.recording_retention_days());
  }
  pipeline_ = std::make_unique<ingest::IngestPipeline>(*repo_, *bus_, *reuse_, options);
}

Runtime::~Runtime() {
  if (pipeline_) pipeline_->stop();
  if (vectors_) vectors_->close();
  if (repo_) repo_->close();
  if (bus_) bus_->close();
}

}  // namespace decnet::app
