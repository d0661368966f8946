// The ingest pipeline: receivers submit raw lines; one thread prepares batches (parse,
// normalize, extract) while the store's writer commits the previous one, and events about a
// batch are published only after it is committed. Batches form by themselves: whatever
// arrived while the previous batch was being written becomes the next one, so a quiet
// sensor's line is written at once and a flood is written in large, efficient transactions.
//
// Nothing is dropped silently: a line that cannot be parsed is a dead letter; a batch the
// store refuses is retried line by line and a line that still fails becomes a dead letter with
// the store's reason; a full queue refuses lines and counts them.
//
// Memory is bounded by bytes, not lines: the queue holds at most queue_bytes (each line counted
// with its bookkeeping), and a batch takes at most batch_bytes, so a flood of 60 KB lines costs
// the same memory as a flood of short ones. A full queue is what makes stream receivers stop
// reading their sockets (TCP flow control slows the senders). It is kept small on purpose: what
// it holds is what a kill -9 loses on plain TCP.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "bus/bus.h"
#include "core/component.h"
#include "core/thread_annotations.h"
#include "correlate/credential_reuse_index.h"
#include "identity/identity_input.h"
#include "ingest/attacker_ledger.h"
#include "ingest/ingest_batch.h"
#include "ingest/profiler_runner.h"
#include "ingest/raw_line.h"
#include "ingest/resend_filter.h"
#include "store/repository.h"
#include "ttp/tag_event.h"
#include "vector/vector_store.h"

namespace decnet::ingest {

struct PipelineOptions {
  std::size_t queue_bytes = std::size_t{32} << 20;  // lines waiting to be prepared, in bytes
  std::size_t batch_bytes = std::size_t{16} << 20;  // raw bytes per transaction
  std::size_t batch_max = 131072;                   // lines per transaction
  std::size_t inflight_batches = 2;                 // prepared batches queued at the writer
  std::size_t live_events_per_batch = 100;          // events listed in each system.log message
  std::chrono::milliseconds reconcile_interval = std::chrono::minutes(10);  // when idle
  std::chrono::milliseconds idle_flush = std::chrono::seconds(2);  // attacker counters, when idle
  // Whether an attachment's SHA-256 is known malware (true/false), or no opinion (nullopt);
  // asked while a batch is prepared, never on the writer. Its answers are stored as coming from
  // attachment_verdict_source.
  std::function<std::optional<bool>(const std::string& sha256)> attachment_verdict;
  std::string attachment_verdict_source = "malwarebazaar";
  // Sessions, behaviour and scoring of attackers; nullopt: not profiled.
  std::optional<correlate::ProfilerOptions> profiler;
  // Where session recordings sent by deckies are kept (an empty data_dir keeps none).
  SessionRecordingsOptions recordings;
  // Where the profiler's behavioural vectors go (keystroke, timing, cmd_ngram); none when null.
  vector::VectorStore* vectors = nullptr;
  // The ATT&CK tagger, given login attempts, HTTP requests and fingerprints once committed;
  // none when null.
  ttp::TagSink* tag_sink = nullptr;
};

struct PipelineCounters {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> committed{0};  // log rows
  std::atomic<std::uint64_t> dead_letters{0};
  std::atomic<std::uint64_t> credentials{0};
  std::atomic<std::uint64_t> invalid_secrets{0};
  std::atomic<std::uint64_t> username_only{0};
  std::atomic<std::uint64_t> reuse_findings{0};
  std::atomic<std::uint64_t> reuse_repairs{0};
  std::atomic<std::uint64_t> attackers_created{0};
  std::atomic<std::uint64_t> attackers_recounted{0};  // repaired at start after a crash
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> batch_failures{0};
  std::atomic<std::uint64_t> resent_lines{0};  // acknowledged lines a sender sent again, dropped
  std::atomic<std::uint64_t> store_waits{0};   // times a full or locked database held ingest back
  std::atomic<std::uint64_t> sessions_started{0};
  std::atomic<std::uint64_t> sessions_ended{0};
  std::atomic<std::uint64_t> attackers_scored{0};  // attacker.scored events
  std::atomic<std::uint64_t> session_rows_written{0};
  std::atomic<std::uint64_t> behaviour_rows_written{0};
  std::atomic<std::uint64_t> profile_write_failures{0};
  std::atomic<bool> waiting_for_store{false};
};

class IngestPipeline final : public LineSink, public core::Component {
 public:
  IngestPipeline(store::Repository& repo, bus::Bus& bus, correlate::CredentialReuseIndex& reuse,
                 PipelineOptions options = {});
  ~IngestPipeline() override;

  bool submit(RawLine& line) override;
  // Waits for room instead of refusing (bulk import); false only when the pipeline stops.
  bool submit_blocking(RawLine line);

  std::string name() const override { return "ingest"; }
  // Recounts the attackers whose counters a crash left behind their log rows, rebuilds the reuse
  // index, re-announces attackers whose attacker.observed was lost to a crash, and starts the
  // pipeline thread.
  void start() override;
  // Stops accepting lines, commits and publishes everything already accepted, then joins.
  void stop() override;
  nlohmann::json health() const override;
  // Bytes waiting in the queue (lines with their bookkeeping), and the limit.
  std::size_t queued_bytes() const;
  std::size_t queue_limit_bytes() const { return options_.queue_bytes; }

  // Blocks until every line accepted before the call is committed (or dead-lettered), its
  // events are published and attacker counters are written; false on timeout.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  const PipelineCounters& counters() const { return counters_; }
  // Attaches the ATT&CK tagger (PipelineOptions::tag_sink) once it exists; before start() only.
  void set_tag_sink(ttp::TagSink* sink) { tag_sink_ = sink; }
  // Attaches the identity worker: new attackers and identity evidence go to it once committed;
  // before start() only.
  void set_identity_sink(identity::IdentitySink* sink) { identity_sink_ = sink; }

 private:
  struct Inflight {
    std::future<CommittedBatch> result;
    std::shared_ptr<IngestBatch> batch;
  };

  void run();
  void reconcile_reuse();
  void reconcile_attackers();
  std::pair<std::int64_t, bool> recount_past_mark(store::WriteScope& scope);
  void on_idle(std::chrono::milliseconds& idle_for, bool flush_ledger);
  void complete(Inflight& inflight);
  CommittedBatch write_prepared(store::WriteScope& scope, IngestBatch& batch);
  void hold_until_stored(IngestBatch& batch, const std::exception& first_error);
  // A batch the store refused for a reason of its own: each line alone, a line that still fails
  // as a dead letter.
  void retry_line_by_line(const IngestBatch& batch, const std::exception& error);
  void judge_attachments(IngestBatch& batch) const;
  // Lines sent again by a sender that did not hear they were stored go to batch.resent.
  void take(IngestBatch& batch, BatchBuilder& builder, RawLine line);
  // Tells the senders of acknowledged lines that the batch is stored.
  static void acknowledge(const IngestBatch& batch);
  void publish(const CommittedBatch& committed, const IngestBatch& batch);
  void publish_observed(const std::vector<CommittedBatch::NewAttacker>& attackers,
                        bool wait_for_record);
  // The profiler (pipeline_profile.cc): fed each batch once it is committed; what it makes is
  // written with a later batch (or at once when ingest is idle) and published after that.
  void resume_profiler();
  void after_commit(const CommittedBatch& committed, IngestBatch& batch);
  void write_profile(store::WriteScope& scope, const correlate::ProfileUpdate& update,
                     std::unordered_map<std::string, std::string>& attackers);
  void publish_profile(const correlate::ProfileUpdate& update,
                       const std::unordered_map<std::string, std::string>& attackers);
  void write_profile_now(std::shared_ptr<correlate::ProfileUpdate> update);
  void answer_profile_flush();
  void stop_profiler();
  void account(std::size_t lines);
  bool has_room_locked(const RawLine& line) const REQUIRES(mu_);

  store::Repository& repo_;
  bus::Bus& bus_;
  correlate::CredentialReuseIndex& reuse_;
  const PipelineOptions options_;
  ttp::TagSink* tag_sink_ = nullptr;  // options_.tag_sink, or the one attached later
  identity::IdentitySink* identity_sink_ = nullptr;
  AttackerLedger ledger_;                     // touched only on the store's writer thread
  ResendFilter resend_;                       // touched only on the pipeline thread
  std::unique_ptr<ProfilerRunner> profiler_;  // null when not profiling
  // The writer's undone_transactions() when the ledger was last known to match the database;
  // touched only on the store's writer thread.
  std::optional<std::uint64_t> undone_seen_;
  PipelineCounters counters_;

  mutable core::Mutex mu_;
  std::condition_variable ready_;
  std::condition_variable progress_;
  std::condition_variable room_;
  std::deque<RawLine> queue_ GUARDED_BY(mu_);
  std::size_t queued_bytes_ GUARDED_BY(mu_) = 0;
  bool accepting_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::uint64_t accepted_ GUARDED_BY(mu_) = 0;  // lines accepted into the queue
  std::uint64_t finished_ GUARDED_BY(mu_) = 0;  // lines committed or dead-lettered and published
  // flush() asks the pipeline thread to write what the profiler holds; counted both ways.
  std::uint64_t profile_flushes_wanted_ GUARDED_BY(mu_) = 0;
  std::uint64_t profile_flushes_done_ GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace decnet::ingest
