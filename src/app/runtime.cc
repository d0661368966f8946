#include "app/runtime.h"

#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "bus/factory.h"

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
  ingest::PipelineOptions options;
  options.queue_bytes = static_cast<std::size_t>(config.ingest_queue_bytes());
  options.batch_bytes = static_cast<std::size_t>(config.ingest_batch_bytes());
  if (malware_feed_->enabled()) {
    options.attachment_verdict = [feed = malware_feed_.get()](const std::string& sha256) {
      return feed->known_bad(sha256);
    };
  }
  pipeline_ = std::make_unique<ingest::IngestPipeline>(*repo_, *bus_, *reuse_, options);
}

Runtime::~Runtime() {
  if (pipeline_) pipeline_->stop();
  if (repo_) repo_->close();
  if (bus_) bus_->close();
}

}  // namespace decnet::app
