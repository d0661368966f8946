// The ingest stack the end-to-end benchmarks drive: a real SQLite repository, the pipeline and
// the TCP receiver on a free loopback port, plus the client side (connect, send everything).
// Shared by bench_ingest and by bench_webhook (ingest while a webhook receiver hangs).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "bus/inprocess_bus.h"
#include "correlate/credential_reuse_index.h"
#include "identity/identity_worker.h"
#include "ingest/pipeline.h"
#include "ingest/stream_receiver.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/sqlite_repository.h"
#include "ttp/rule_loader.h"
#include "ttp/tagging_worker.h"

namespace decnet::bench {

inline int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const auto n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

// The pipeline as `decnet serve` runs it by default, or without the profiler.
inline ingest::PipelineOptions pipeline_options(bool profile) {
  ingest::PipelineOptions options;
  if (profile) options.profiler = correlate::ProfilerOptions{};
  return options;
}

struct IngestStack {
  // With `tag`, the ATT&CK tagger with the shipped pack is attached as `decnet serve` does;
  // with `identities`, the identity worker.
  explicit IngestStack(const std::filesystem::path& db, bool profile = true, bool tag = false,
                       bool identities = false)
      : repo(store::sqlite::open_sqlite_repository({.path = db})),
        pipeline(*repo, bus, reuse, pipeline_options(profile)),
        receiver(
            [] {
              ingest::StreamReceiver::Options o;
              o.port = 0;
              return o;
            }(),
            pipeline) {
    if (tag) {
      const auto dir = ttp::shipped_rule_directory();
      tagger = std::make_unique<ttp::TaggingWorker>(*repo, bus, dir, ttp::load_rule_directory(dir));
      pipeline.set_tag_sink(tagger.get());
      tagger->start();
    }
    if (identities) {
      identity_worker = std::make_unique<identity::IdentityWorker>(*repo, bus);
      pipeline.set_identity_sink(identity_worker.get());
      identity_worker->start();
    }
    pipeline.start();
    receiver.start();
  }
  ~IngestStack() {
    receiver.stop();
    pipeline.stop();
    if (tagger) tagger->stop();
    if (identity_worker) identity_worker->stop();
    repo->close();
  }
  std::uint64_t done() const {
    return pipeline.counters().committed.load() + pipeline.counters().dead_letters.load();
  }

  bus::InProcessBus bus;
  std::unique_ptr<store::Repository> repo;
  correlate::CredentialReuseIndex reuse;
  ingest::IngestPipeline pipeline;
  ingest::StreamReceiver receiver;
  std::unique_ptr<ttp::TaggingWorker> tagger;
  std::unique_ptr<identity::IdentityWorker> identity_worker;
};

// Sends `stream` over one connection and returns lines committed per second, from the first
// byte sent to the last row committed.
inline double committed_lines_per_second(IngestStack& stack, const std::string& stream,
                                         std::size_t lines) {
  const auto start = std::chrono::steady_clock::now();
  const int fd = connect_to(stack.receiver.port());
  send_all(fd, stream);
  while (stack.done() < lines && seconds_since(start) < 300) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds = seconds_since(start);
  ::close(fd);
  if (stack.done() < lines) {
    std::fprintf(stderr, "only %llu lines committed\n",
                 static_cast<unsigned long long>(stack.done()));
  }
  return static_cast<double>(stack.done()) / seconds;
}

// Runs `without` and `with` alternately twice each (a fresh database per run) and reports the
// best of each and their ratio, as <prefix>_<without_name>, <prefix>_<with_name>, <prefix>_ratio:
// alternating and taking the best keeps a noisy neighbour from deciding the comparison.
template <typename Run>
void report_best_of_two(const std::string& prefix, const std::string& without_name,
                        const std::string& with_name, const std::string& ratio_name, Run run) {
  double off = 0;
  double on = 0;
  for (int round = 0; round < 2; ++round) {
    off = std::max(off, run(false, round));
    on = std::max(on, run(true, round));
  }
  report(prefix + "_" + without_name, off, "lines/s");
  report(prefix + "_" + with_name, on, "lines/s");
  report(prefix + "_" + ratio_name, on / off, "x");
}

}  // namespace decnet::bench
