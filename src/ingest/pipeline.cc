#include "ingest/pipeline.h"

#include <spdlog/spdlog.h>

#include <map>
#include <utility>

#include "core/thread_name.h"
#include "core/time.h"
#include "ingest/batch_writer.h"
#include "store/attacker_repository.h"
#include "store/log_repository.h"
#include "store/state_repository.h"
#include "store/store_error.h"

namespace decnet::ingest {
namespace {

// What a queued line costs: its bytes, its strings' headers and the deque slot.
std::size_t cost(const RawLine& line) {
  return line.bytes.size() + line.peer.size() + line.framing_error.size() + sizeof(RawLine);
}

}  // namespace

IngestPipeline::IngestPipeline(store::Repository& repo, bus::Bus& bus,
                               correlate::CredentialReuseIndex& reuse, PipelineOptions options)
    : repo_(repo),
      bus_(bus),
      reuse_(reuse),
      options_(std::move(options)),
      tag_sink_(options_.tag_sink) {}

IngestPipeline::~IngestPipeline() {
  stop();
}

// An empty queue takes any line, so one larger than the limit is never refused for ever.
bool IngestPipeline::has_room_locked(const RawLine& line) const {
  return queue_.empty() || queued_bytes_ + cost(line) <= options_.queue_bytes;
}

std::size_t IngestPipeline::queued_bytes() const {
  core::MutexLock lock(mu_);
  return queued_bytes_;
}

bool IngestPipeline::submit(RawLine& line) {
  {
    core::MutexLock lock(mu_);
    if (!accepting_ || !has_room_locked(line)) {
      counters_.refused.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queued_bytes_ += cost(line);
    queue_.push_back(std::move(line));
    ++accepted_;
  }
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  ready_.notify_one();
  return true;
}

// The safety net behind the live detector: rebuild the index from the credentials table and
// rewrite any credential_reuse row that disagrees with it (a finding lost with a failed
// transaction, or rows edited by hand). Runs at start and when ingest has been idle for the
// reconcile interval.
void IngestPipeline::reconcile_reuse() {
  try {
    reuse_.rebuild(repo_.credentials());
    std::map<std::string, store::CredentialReuse> stored;
    const auto key = [](const store::CredentialReuse& r) {
      return r.secret_sha256 + '\x1f' + r.secret_kind + '\x1f' + r.principal.value_or("");
    };
    for (std::int64_t offset = 0;; offset += store::kMaxLimit) {
      const auto page = repo_.credential_reuse().list_credential_reuses(1, std::nullopt,
                                                                        {store::kMaxLimit, offset});
      for (const auto& r : page.data) stored.emplace(key(r), r);
      if (page.data.size() < static_cast<std::size_t>(store::kMaxLimit)) break;
    }
    std::vector<store::CredentialReuse> repairs;
    for (auto& finding : reuse_.findings()) {
      auto it = stored.find(key(finding));
      if (it != stored.end() && it->second.target_count == finding.target_count &&
          it->second.attacker_ip_count == finding.attacker_ip_count &&
          it->second.attempt_count == finding.attempt_count) {
        continue;
      }
      repairs.push_back(std::move(finding));
    }
    if (!repairs.empty()) {
      repo_.write_now([&](store::WriteScope& scope) {
        for (const auto& r : repairs) repo_.credential_reuse().upsert_credential_reuse(scope, r);
      });
    }
    counters_.reuse_repairs.fetch_add(repairs.size(), std::memory_order_relaxed);
    spdlog::info("ingest: reuse index holds {} secrets; {} findings repaired", reuse_.secrets(),
                 repairs.size());
  } catch (const std::exception& e) {
    spdlog::error("ingest: credential reuse reconciliation failed: {}", e.what());
  }
}

bool IngestPipeline::submit_blocking(RawLine line) {
  {
    core::MutexLock lock(mu_);
    room_.wait(lock.native(), [&] {
      mu_.assert_held();
      return !accepting_ || has_room_locked(line);
    });
    if (!accepting_) return false;
    queued_bytes_ += cost(line);
    queue_.push_back(std::move(line));
    ++accepted_;
  }
  counters_.received.fetch_add(1, std::memory_order_relaxed);
  ready_.notify_one();
  return true;
}

// Inside a write: recounts the attackers logged past the stored counted-through mark and moves
// the mark. Returns how many were recounted and whether there was a mark.
std::pair<std::int64_t, bool> IngestPipeline::recount_past_mark(store::WriteScope& scope) {
  const auto mark = repo_.state().get(AttackerLedger::kCountedThroughKey);
  std::optional<std::int64_t> after;
  if (mark && mark->contains("log_id")) after = mark->value("log_id", std::int64_t{0});
  const auto last = repo_.logs().last_id();
  ledger_.start_at(last);
  if (last == 0 || (after && *after >= last)) return {0, true};
  const auto n = repo_.attackers().recount_from_logs(scope, after);
  ledger_.save_mark(repo_, scope);
  counters_.attackers_recounted.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
  return {n, after.has_value()};
}

// Counters trail their log rows (the ledger holds them back), so a crash can leave them short.
// The ledger stores how far they are complete with every batch; whatever is logged past that
// mark is recounted from the rows. A database without the mark (made by an older version) is
// recounted whole, once.
void IngestPipeline::reconcile_attackers() {
  const auto started = std::chrono::steady_clock::now();
  const auto [recounted, had_mark] =
      repo_.write_now([&](store::WriteScope& scope) { return recount_past_mark(scope); });
  if (recounted > 0 || !had_mark) {
    spdlog::info("ingest: recounted {} attackers from their log rows{} in {} ms", recounted,
                 had_mark ? "" : " (first start with a counted-through mark)",
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
  }
}

void IngestPipeline::start() {
  if (auto saved = repo_.state().get(ResendFilter::kStateKey)) resend_.restore(*saved);
  reconcile_attackers();
  reconcile_reuse();
  // attacker.observed is announced after commit; a crash in between leaves attackers
  // unannounced, which the next start catches up on.
  while (true) {
    const auto pending = repo_.attackers().list_unpublished_observed(1000);
    if (pending.empty()) break;
    std::vector<CommittedBatch::NewAttacker> attackers;
    for (const auto& a : pending) {
      const auto& deckies = a.deckies;
      const auto& services = a.services;
      attackers.push_back({a.uuid, a.ip, deckies.empty() ? "" : deckies.front(),
                           services.empty() ? "" : services.front(), "", a.first_seen});
    }
    publish_observed(attackers, true);
  }
  resume_profiler();
  {
    core::MutexLock lock(mu_);
    accepting_ = true;
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    core::name_this_thread("ingest-prepare");
    run();
  });
}

void IngestPipeline::stop() {
  {
    core::MutexLock lock(mu_);
    accepting_ = false;
    stopping_ = true;
  }
  ready_.notify_all();
  room_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    stop_profiler();
    // Attacker counters still held write-back by the ledger.
    try {
      repo_.write_now([this](store::WriteScope& scope) { ledger_.flush_all(repo_, scope); });
    } catch (const std::exception& e) {
      spdlog::error("ingest: final attacker flush failed: {}", e.what());
    }
    spdlog::info("ingest: stopped after {} lines: {} log rows and {} dead letters committed",
                 counters_.received.load(), counters_.committed.load(),
                 counters_.dead_letters.load());
  }
}

bool IngestPipeline::flush(std::chrono::milliseconds timeout) {
  {
    core::MutexLock lock(mu_);
    const auto target = accepted_;
    const bool done = progress_.wait_for(lock.native(), timeout, [&] {
      mu_.assert_held();
      return finished_ >= target;
    });
    if (!done) return false;
    if (options_.profiler) {
      const auto ticket = ++profile_flushes_wanted_;
      ready_.notify_all();
      const bool profiled = progress_.wait_for(lock.native(), timeout, [&] {
        mu_.assert_held();
        return profile_flushes_done_ >= ticket || stopping_;
      });
      if (!profiled) return false;
    }
  }
  // Make the attacker counters the ledger holds back visible too.
  repo_.write_now([this](store::WriteScope& scope) { ledger_.flush_all(repo_, scope); });
  return true;
}

void IngestPipeline::account(std::size_t lines) {
  {
    core::MutexLock lock(mu_);
    finished_ += lines;
  }
  progress_.notify_all();
}

void IngestPipeline::run() {
  BatchBuilder builder(profiler_ != nullptr, tag_sink_ != nullptr, identity_sink_ != nullptr);
  std::deque<Inflight> inflight;
  std::vector<RawLine> taken;
  auto idle_for = std::chrono::milliseconds(0);
  bool ledger_may_hold = false;  // a batch was written since the ledger was last flushed
  const auto idle_wait = std::min(options_.idle_flush, options_.reconcile_interval);
  while (true) {
    bool more_waiting = false;
    bool idle = false;
    {
      core::MutexLock lock(mu_);
      if (inflight.empty()) {
        idle = !ready_.wait_for(lock.native(), idle_wait, [&] {
          mu_.assert_held();
          return stopping_ || !queue_.empty() || profile_flushes_wanted_ != profile_flushes_done_;
        });
      }
      if (!idle && queue_.empty() && stopping_ && inflight.empty()) return;
      std::size_t bytes = 0;
      while (!queue_.empty() && taken.size() < options_.batch_max &&
             (taken.empty() || bytes + queue_.front().bytes.size() <= options_.batch_bytes)) {
        bytes += queue_.front().bytes.size();
        queued_bytes_ -= cost(queue_.front());
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      more_waiting = !queue_.empty();
    }
    if (idle) {
      idle_for += idle_wait;
      on_idle(idle_for, std::exchange(ledger_may_hold, false));
      continue;
    }
    if (inflight.empty()) idle_for = std::chrono::milliseconds(0);
    if (!taken.empty()) room_.notify_all();
    if (!taken.empty()) {
      auto batch = std::make_shared<IngestBatch>();
      batch->logs.reserve(taken.size());
      if (profiler_) batch->profile = profiler_->take();
      bool acknowledged = false;  // the batch holds RELP lines: save the filter with it
      for (auto& line : taken) {
        acknowledged = acknowledged || line.delivery.has_value();
        take(*batch, builder, std::move(line));
      }
      if (acknowledged) batch->resend_state = resend_.save();
      taken.clear();
      judge_attachments(*batch);
      auto future = repo_.write(
          [this, batch](store::WriteScope& scope) { return write_prepared(scope, *batch); });
      inflight.push_back({std::move(future), std::move(batch)});
      more_waiting = true;  // look again before blocking: lines may have arrived meanwhile
    }
    // Publish committed batches in order. Block on the oldest only when the writer has enough
    // queued work or there is nothing else to prepare.
    while (!inflight.empty()) {
      auto& oldest = inflight.front();
      const bool ready =
          oldest.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      if (!ready && inflight.size() <= options_.inflight_batches && more_waiting) break;
      complete(oldest);
      ledger_may_hold = true;
      inflight.pop_front();
    }
    if (inflight.empty()) answer_profile_flush();
  }
}

// flush() waits for the profiler's output of every committed batch to be written and published.
void IngestPipeline::answer_profile_flush() {
  std::uint64_t wanted = 0;
  {
    core::MutexLock lock(mu_);
    if (profile_flushes_wanted_ == profile_flushes_done_ || !queue_.empty()) return;
    wanted = profile_flushes_wanted_;
  }
  if (profiler_) {
    profiler_->settle(std::chrono::seconds(60));
    write_profile_now(profiler_->take());
  }
  {
    core::MutexLock lock(mu_);
    profile_flushes_done_ = wanted;
  }
  progress_.notify_all();
}

// A pipeline that goes quiet writes, once, the attacker activity the ledger still holds back,
// so counters do not wait for the next event; after the reconcile interval it checks the reuse
// findings.
void IngestPipeline::on_idle(std::chrono::milliseconds& idle_for, bool flush_ledger) {
  if (profiler_) write_profile_now(profiler_->take());
  if (flush_ledger) {
    try {
      repo_.write_now([this](store::WriteScope& scope) { ledger_.flush_all(repo_, scope); });
    } catch (const std::exception& e) {
      spdlog::error("ingest: attacker flush failed: {}", e.what());
    }
  }
  if (idle_for >= options_.reconcile_interval) {
    idle_for = std::chrono::milliseconds(0);
    reconcile_reuse();
  }
}

namespace {

// A full disk (or the configured size cap) and a locked database clear by themselves; any other
// failure is the batch's own.
bool clears_by_itself(const std::exception& e) {
  const auto* store_error = dynamic_cast<const store::StoreError*>(&e);
  return store_error && (store_error->kind() == store::StoreError::Kind::kFull ||
                         store_error->kind() == store::StoreError::Kind::kBusy);
}

}  // namespace

void IngestPipeline::take(IngestBatch& batch, BatchBuilder& builder, RawLine line) {
  if (!line.delivery) {
    builder.add(batch, std::move(line));
    return;
  }
  if (resend_.is_resend(line.bytes, line.delivery->may_be_resent)) {
    counters_.resent_lines.fetch_add(1, std::memory_order_relaxed);
    batch.resent.push_back(std::move(*line.delivery));
    return;
  }
  builder.add(batch, std::move(line));
}

void IngestPipeline::acknowledge(const IngestBatch& batch) {
  for (const auto& line : batch.lines) {
    if (line.delivery) line.delivery->receipts->stored(line.delivery->tag);
  }
  for (const auto& d : batch.resent) d.receipts->stored(d.tag);
}

void IngestPipeline::complete(Inflight& inflight) {
  auto& batch = *inflight.batch;
  try {
    const auto committed = inflight.result.get();
    counters_.batches.fetch_add(1, std::memory_order_relaxed);
    after_commit(committed, batch);
  } catch (const std::exception& e) {
    counters_.batch_failures.fetch_add(1, std::memory_order_relaxed);
    if (clears_by_itself(e)) {
      hold_until_stored(batch, e);
    } else {
      retry_line_by_line(batch, e);
    }
  }
  counters_.invalid_secrets.fetch_add(batch.invalid_secrets, std::memory_order_relaxed);
  counters_.username_only.fetch_add(batch.username_only, std::memory_order_relaxed);
  account(batch.lines.size() + batch.resent.size());
}

// Every batch is written through here. A rolled-back transaction (a full disk, a batch that
// failed, or any other task of the same group commit) may have left the ledger and the reuse
// index ahead of the database: attackers they created, counters they merged, secrets they saw.
// Batches already queued behind it would build on that, so the first write after one starts
// both again from what is stored, inside its own transaction, before anything relies on them.
CommittedBatch IngestPipeline::write_prepared(store::WriteScope& scope, IngestBatch& batch) {
  const auto undone = scope.undone_transactions();
  if (undone_seen_ && *undone_seen_ != undone) {
    ledger_.forget();
    recount_past_mark(scope);
    reuse_.rebuild(repo_.credentials());
  }
  undone_seen_ = undone;
  auto committed = write_batch(repo_, scope, batch, reuse_, ledger_);
  if (batch.profile) write_profile(scope, *batch.profile, committed.profiled_attackers);
  return committed;
}

// The database is full or locked: the batch is kept and retried, with a growing pause, until it
// commits. Meanwhile nothing more is taken from the queue, so when it fills the receivers stop
// reading and TCP holds the senders back; nothing is dropped but datagrams. Only a stop gives up,
// saying how many lines were not stored.
void IngestPipeline::hold_until_stored(IngestBatch& batch, const std::exception& first_error) {
  counters_.store_waits.fetch_add(1, std::memory_order_relaxed);
  counters_.waiting_for_store = true;
  spdlog::error("ingest: the database refuses writes ({}); holding {} lines until it takes them",
                first_error.what(), batch.lines.size());
  auto pause = std::chrono::milliseconds(100);
  while (true) {
    {
      core::MutexLock lock(mu_);
      if (ready_.wait_for(lock.native(), pause, [&] {
            mu_.assert_held();
            return stopping_;
          })) {
        spdlog::critical("ingest: stopping while the database refuses writes; {} lines not stored",
                         batch.lines.size());
        counters_.waiting_for_store = false;
        return;
      }
    }
    try {
      const auto committed =
          repo_.write_now([&](store::WriteScope& scope) { return write_prepared(scope, batch); });
      counters_.batches.fetch_add(1, std::memory_order_relaxed);
      after_commit(committed, batch);
      counters_.waiting_for_store = false;
      spdlog::info("ingest: the database takes writes again; {} held lines stored",
                   batch.lines.size());
      return;
    } catch (const std::exception& e) {
      if (!clears_by_itself(e)) {
        counters_.waiting_for_store = false;
        retry_line_by_line(batch, e);
        return;
      }
    }
    pause = std::min(pause * 2, std::chrono::milliseconds(5000));
  }
}

void IngestPipeline::judge_attachments(IngestBatch& batch) const {
  if (!options_.attachment_verdict) return;
  for (auto& a : batch.attachments) {
    a.known_bad = options_.attachment_verdict(a.sha256);
    if (a.known_bad) a.verdict_source = options_.attachment_verdict_source;
  }
}

void IngestPipeline::retry_line_by_line(const IngestBatch& batch, const std::exception& error) {
  spdlog::error("ingest: batch of {} lines failed ({}); retrying line by line", batch.lines.size(),
                error.what());
  BatchBuilder builder(profiler_ != nullptr, tag_sink_ != nullptr, identity_sink_ != nullptr);
  for (const auto& line : batch.lines) {
    auto single = std::make_shared<IngestBatch>();
    builder.add(*single, line);
    if (line.delivery) single->resend_state = batch.resend_state;
    judge_attachments(*single);
    try {
      const auto committed =
          repo_.write_now([&](store::WriteScope& scope) { return write_prepared(scope, *single); });
      after_commit(committed, *single);
    } catch (const std::exception& e) {
      if (clears_by_itself(e)) {  // the database filled up meanwhile: wait, never dead-letter
        hold_until_stored(*single, e);
        continue;
      }
      store::DeadLetterRecord dead{
          line.received_at,
          line.source,
          line.peer.empty() ? std::nullopt : std::optional<std::string>(line.peer),
          std::string("store rejected the line: ") + e.what(),
          line.bytes,
          line.truncated};
      try {
        repo_.write_now(
            [&](store::WriteScope& scope) { return repo_.dead_letters().insert(scope, dead); });
        counters_.dead_letters.fetch_add(1, std::memory_order_relaxed);
        if (line.delivery) line.delivery->receipts->stored(line.delivery->tag);
      } catch (const std::exception& again) {
        spdlog::critical("ingest: cannot store a dead letter either: {}", again.what());
      }
    }
  }
  for (const auto& d : batch.resent) d.receipts->stored(d.tag);
  write_profile_now(batch.profile);
}

nlohmann::json IngestPipeline::health() const {
  std::size_t queued = 0;
  std::size_t bytes = 0;
  {
    core::MutexLock lock(mu_);
    queued = queue_.size();
    bytes = queued_bytes_;
  }
  const auto& c = counters_;
  return {{"queued", queued},
          {"queued_bytes", bytes},
          {"queue_limit_bytes", options_.queue_bytes},
          {"received", c.received.load()},
          {"refused", c.refused.load()},
          {"committed", c.committed.load()},
          {"dead_letters", c.dead_letters.load()},
          {"credentials", c.credentials.load()},
          {"invalid_secrets", c.invalid_secrets.load()},
          {"username_only", c.username_only.load()},
          {"reuse_findings", c.reuse_findings.load()},
          {"reuse_repairs", c.reuse_repairs.load()},
          {"attackers_created", c.attackers_created.load()},
          {"attackers_recounted", c.attackers_recounted.load()},
          {"batches", c.batches.load()},
          {"batch_failures", c.batch_failures.load()},
          {"resent_lines", c.resent_lines.load()},
          {"store_waits", c.store_waits.load()},
          {"sessions_started", c.sessions_started.load()},
          {"sessions_ended", c.sessions_ended.load()},
          {"attackers_scored", c.attackers_scored.load()},
          {"session_rows_written", c.session_rows_written.load()},
          {"behaviour_rows_written", c.behaviour_rows_written.load()},
          {"profile_write_failures", c.profile_write_failures.load()},
          {"waiting_for_store", c.waiting_for_store.load()}};
}

}  // namespace decnet::ingest
