// The profiler on a thread of its own. The pipeline hands it each committed batch's profile
// events and picks up what it made when it builds the next batch; judging attackers and
// serialising their rows then never holds up the preparation of the lines behind them. The
// hand-over is bounded: past max_queued events waiting, feed() blocks, so a profiler that falls
// behind slows ingest down rather than growing without limit or dropping events.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "core/thread_annotations.h"
#include "correlate/attacker_profiler.h"
#include "ingest/session_recordings.h"
#include "store/repository.h"

namespace decnet::ingest {

class ProfilerRunner {
 public:
  ProfilerRunner(store::Repository& repo, correlate::ProfilerOptions options,
                 SessionRecordingsOptions recordings);
  ~ProfilerRunner();

  // Takes back the sessions open at the last stop and starts the thread.
  void start();
  void feed(std::vector<correlate::ProfileEvent> events);
  // What the profiler made since the last call; null when nothing.
  std::shared_ptr<correlate::ProfileUpdate> take();
  // Blocks until every event fed before the call is observed and every attacker with events
  // since its last verdict is judged; false on timeout.
  bool settle(std::chrono::milliseconds timeout);
  // Observes what is still queued, stops the thread and returns everything the database does
  // not have yet (judged profiles, open sessions as they stand).
  std::shared_ptr<correlate::ProfileUpdate> stop();

 private:
  void run();
  void observe(std::vector<correlate::ProfileEvent>& events);
  // Ended sessions with a recording: the recording's path on the row, and the BEHAVE-SHELL
  // observations of what was typed.
  void attach_recordings(correlate::ProfileUpdate& update);
  void merge(correlate::ProfileUpdate&& update);
  void merge_locked(correlate::ProfileUpdate&& update) REQUIRES(mu_);

  store::Repository& repo_;
  correlate::ProfilerOptions options_;
  // The thread's own (and the caller's once it stopped).
  correlate::AttackerProfiler profiler_;
  SessionRecordings recordings_;

  mutable core::Mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<std::vector<correlate::ProfileEvent>> queue_ GUARDED_BY(mu_);
  std::size_t queued_events_ GUARDED_BY(mu_) = 0;
  std::shared_ptr<correlate::ProfileUpdate> output_ GUARDED_BY(mu_);
  std::uint64_t settles_wanted_ GUARDED_BY(mu_) = 0;
  std::uint64_t settles_done_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace decnet::ingest
