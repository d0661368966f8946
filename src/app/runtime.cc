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
  prepare_data_dir(config.path("DECNET_DATA_DIR"));
  bus_ = bus::make_bus(config, bus_client_name);
  repo_ = store::open_repository(config);
  reuse_ = std::make_unique<correlate::CredentialReuseIndex>();
  pipeline_ = std::make_unique<ingest::IngestPipeline>(*repo_, *bus_, *reuse_);
}

Runtime::~Runtime() {
  if (pipeline_) pipeline_->stop();
  if (repo_) repo_->close();
  if (bus_) bus_->close();
}

}  // namespace decnet::app
