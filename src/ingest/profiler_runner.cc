#include "ingest/profiler_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "core/json_text.h"
#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "correlate/command_vector.h"
#include "identity/behave_shell_extractor.h"
#include "identity/keystroke_features.h"
#include "identity/shell_recording.h"
#include "store/behaviour_repository.h"
#include "store/session_repository.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxQueuedEvents = 1 << 20;
constexpr auto kTickEvery = std::chrono::seconds(1);
constexpr auto kSweepEvery = std::chrono::hours(1);
constexpr std::string_view kObservationSource = "decnet/identity/behave_shell";

void append_update(correlate::ProfileUpdate& into, correlate::ProfileUpdate&& from) {
  const auto append = [](auto& to, auto&& more) {
    to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  append(into.sessions.started, std::move(from.sessions.started));
  append(into.sessions.ended, std::move(from.sessions.ended));
  append(into.sessions.refreshed, std::move(from.sessions.refreshed));
  append(into.behaviours, std::move(from.behaviours));
  append(into.scored, std::move(from.scored));
  append(into.observations, std::move(from.observations));
  append(into.vectors, std::move(from.vectors));
  append(into.commands, std::move(from.commands));
}

}  // namespace

ProfilerRunner::ProfilerRunner(store::Repository& repo, correlate::ProfilerOptions options,
                               SessionRecordingsOptions recordings)
    : repo_(repo),
      options_(options),
      profiler_(std::move(options)),
      recordings_(std::move(recordings)) {}

ProfilerRunner::~ProfilerRunner() {
  stop();
}

void ProfilerRunner::start() {
  profiler_.resume_sessions(
      repo_.sessions().list_open_sessions(static_cast<std::int64_t>(options_.sessions.max_open)),
      core::now_micros());
  if (profiler_.open_sessions() > 0) {
    spdlog::info("ingest: resumed {} open sessions", profiler_.open_sessions());
  }
  thread_ = std::thread([this] {
    core::name_this_thread("ingest-profile");
    run();
  });
}

void ProfilerRunner::feed(std::vector<correlate::ProfileEvent> events) {
  if (events.empty()) return;
  {
    core::MutexLock lock(mu_);
    done_.wait(lock.native(), [&] {
      mu_.assert_held();
      return stopping_ || queued_events_ < kMaxQueuedEvents;
    });
    queued_events_ += events.size();
    queue_.push_back(std::move(events));
  }
  wake_.notify_one();
}

std::shared_ptr<correlate::ProfileUpdate> ProfilerRunner::take() {
  core::MutexLock lock(mu_);
  return std::exchange(output_, nullptr);
}

bool ProfilerRunner::settle(std::chrono::milliseconds timeout) {
  core::MutexLock lock(mu_);
  const auto ticket = ++settles_wanted_;
  wake_.notify_one();
  return done_.wait_for(lock.native(), timeout, [&] {
    mu_.assert_held();
    return settles_done_ >= ticket || stopping_;
  });
}

void ProfilerRunner::merge(correlate::ProfileUpdate&& update) {
  attach_recordings(update);
  core::MutexLock lock(mu_);
  merge_locked(std::move(update));
}

void ProfilerRunner::attach_recordings(correlate::ProfileUpdate& update) {
  for (auto& session : update.sessions.ended) {
    if (auto commands = correlate::command_vector(session.commands); !commands.empty()) {
      update.vectors.push_back({session.attacker_ip, "cmd_ngram", std::move(commands)});
    }
    if (!session.session_id) continue;
    const auto& sid = *session.session_id;
    // Only a shell someone logged into is recorded: the sessions of scanners and brute-forcers
    // (most of them) cost no look at the disk.
    const auto file = session.outcome == store::SessionOutcome::kLoggedIn
                          ? recordings_.path(session.decky, sid)
                          : std::nullopt;
    recordings_.finish(session.decky, sid);
    if (!file) continue;
    session.recording = recordings_.relative_path(session.decky, sid);
    std::ifstream in(*file, std::ios::binary);
    std::string shard((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto events = identity::parse_shard(shard, sid);
    const auto evidence = identity::shard_evidence_ref(session.decky, session.service,
                                                       file->filename().string(), sid);
    const double ended =
        static_cast<double>(session.ended_at.value_or(session.last_event_at)) / 1e6;
    if (!events.empty()) {
      update.vectors.push_back({session.attacker_ip, "keystroke",
                                identity::keystroke_vector(identity::keystroke_features(events))});
    }
    for (auto& o : identity::extract_session(events)) {
      store::Observation row;
      row.primitive = std::move(o.primitive);
      row.value = core::json_text(o.value);
      row.confidence = o.confidence;
      row.window_start_ts = o.window_start;
      row.window_end_ts = o.window_end;
      row.source = std::string(kObservationSource);
      row.evidence_ref = evidence;
      row.ts = ended;
      update.observations.push_back({session.attacker_ip, std::move(row)});
    }
  }
}

void ProfilerRunner::merge_locked(correlate::ProfileUpdate&& update) {
  if (update.empty()) return;
  if (!output_) output_ = std::make_shared<correlate::ProfileUpdate>();
  append_update(*output_, std::move(update));
}

void ProfilerRunner::observe(std::vector<correlate::ProfileEvent>& events) {
  const auto stored = [this](const std::vector<std::string>& ips) {
    try {
      return repo_.behaviour().behaviours_of(ips);
    } catch (const std::exception& e) {
      static core::LogLimiter limiter;
      limiter.warn("ingest: cannot read stored profiles: {}", e.what());
      return std::vector<store::AttackerBehaviour>{};
    }
  };
  // Recording pieces are transport, not something the attacker did: they go to their file and
  // count towards no session or profile.
  const auto chunk = [](const correlate::ProfileEvent& e) { return e.recording_seq >= 0; };
  if (std::any_of(events.begin(), events.end(), chunk)) {
    for (const auto& e : events) {
      if (chunk(e)) {
        recordings_.add_chunk(e.decky, e.session_id, e.recording_seq, e.recording_last,
                              e.recording_data);
      }
    }
    std::erase_if(events, chunk);
  }
  correlate::ProfileUpdate update;
  profiler_.observe(events, core::now_micros(), update, stored);
  merge(std::move(update));
}

void ProfilerRunner::run() {
  auto next_tick = std::chrono::steady_clock::now() + kTickEvery;
  auto next_sweep = std::chrono::steady_clock::now();
  while (true) {
    std::vector<correlate::ProfileEvent> events;
    std::uint64_t settle = 0;
    {
      core::MutexLock lock(mu_);
      wake_.wait_until(lock.native(), next_tick, [&] {
        mu_.assert_held();
        return stopping_ || !queue_.empty() || settles_wanted_ != settles_done_;
      });
      if (!queue_.empty()) {
        events = std::move(queue_.front());
        queue_.pop_front();
        queued_events_ -= events.size();
      } else if (stopping_) {
        return;
      } else if (settles_wanted_ != settles_done_) {
        settle = settles_wanted_;
      }
    }
    done_.notify_all();
    if (!events.empty()) observe(events);
    if (settle != 0) {
      correlate::ProfileUpdate update;
      profiler_.settle(core::now_micros(), update);
      merge(std::move(update));
      core::MutexLock lock(mu_);
      settles_done_ = settle;
    }
    if (settle != 0) done_.notify_all();
    if (std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + kTickEvery;
      correlate::ProfileUpdate update;
      profiler_.tick(core::now_micros(), update);
      merge(std::move(update));
      if (std::chrono::steady_clock::now() >= next_sweep) {
        next_sweep = std::chrono::steady_clock::now() + kSweepEvery;
        if (const auto removed = recordings_.sweep(); removed > 0) {
          spdlog::info("ingest: deleted {} session recordings past their retention", removed);
        }
      }
    }
  }
}

std::shared_ptr<correlate::ProfileUpdate> ProfilerRunner::stop() {
  {
    core::MutexLock lock(mu_);
    if (stopping_ && !thread_.joinable()) return nullptr;
    stopping_ = true;
  }
  wake_.notify_all();
  done_.notify_all();
  if (thread_.joinable()) thread_.join();
  correlate::ProfileUpdate update;
  profiler_.flush_all(core::now_micros(), update);
  merge(std::move(update));
  core::MutexLock lock(mu_);
  return std::exchange(output_, nullptr);
}

}  // namespace decnet::ingest
