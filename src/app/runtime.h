// The long-lived parts every data-handling command shares, built from the configuration in
// dependency order and torn down in reverse: the bus, the repository, the credential reuse
// index, the malware hash feed and the ingest pipeline. `serve` adds receivers and workers on top;
// `replay` uses the pipeline directly.
#pragma once

#include <memory>
#include <string>

#include "bus/bus.h"
#include "core/config.h"
#include "correlate/credential_reuse_index.h"
#include "enrich/malware_hash_feed.h"
#include "ingest/pipeline.h"
#include "store/repository.h"
#include "vector/vector_store.h"

namespace decnet::app {

class Runtime {
 public:
  // Creates the data directory (mode 0750) and opens everything; throws on failure.
  Runtime(const core::Config& config, const std::string& bus_client_name);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  bus::Bus& bus() { return *bus_; }
  store::Repository& repository() { return *repo_; }
  correlate::CredentialReuseIndex& reuse_index() { return *reuse_; }
  ingest::IngestPipeline& pipeline() { return *pipeline_; }
  // Where the profiler's behavioural vectors live (DECNET_VECTORSTORE_*).
  vector::VectorStore& vectors() { return *vectors_; }
  // The MalwareBazaar hash feed the pipeline asks about attachments; started by `serve`.
  enrich::MalwareHashFeed& malware_feed() { return *malware_feed_; }

 private:
  std::unique_ptr<bus::Bus> bus_;
  std::unique_ptr<store::Repository> repo_;
  std::unique_ptr<correlate::CredentialReuseIndex> reuse_;
  std::unique_ptr<enrich::MalwareHashFeed> malware_feed_;
  std::unique_ptr<vector::VectorStore> vectors_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
};

}  // namespace decnet::app
