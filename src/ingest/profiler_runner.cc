#include "ingest/profiler_runner.h"

#include <spdlog/spdlog.h>

#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "store/behaviour_repository.h"
#include "store/session_repository.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxQueuedEvents = 1 << 20;
constexpr auto kTickEvery = std::chrono::seconds(1);

void merge(correlate::ProfileUpdate& into, correlate::ProfileUpdate&& from) {
  const auto append = [](auto& to, auto&& more) {
    to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  append(into.sessions.started, std::move(from.sessions.started));
  append(into.sessions.ended, std::move(from.sessions.ended));
  append(into.sessions.refreshed, std::move(from.sessions.refreshed));
  append(into.behaviours, std::move(from.behaviours));
  append(into.scored, std::move(from.scored));
}

}  // namespace

ProfilerRunner::ProfilerRunner(store::Repository& repo, correlate::ProfilerOptions options)
    : repo_(repo), options_(options), profiler_(std::move(options)) {}

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

void ProfilerRunner::merge_locked(correlate::ProfileUpdate&& update) {
  if (update.empty()) return;
  if (!output_) output_ = std::make_shared<correlate::ProfileUpdate>();
  merge(*output_, std::move(update));
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
  correlate::ProfileUpdate update;
  profiler_.observe(events, core::now_micros(), update, stored);
  core::MutexLock lock(mu_);
  merge_locked(std::move(update));
}

void ProfilerRunner::run() {
  auto next_tick = std::chrono::steady_clock::now() + kTickEvery;
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
      core::MutexLock lock(mu_);
      merge_locked(std::move(update));
      settles_done_ = settle;
    }
    if (settle != 0) done_.notify_all();
    if (std::chrono::steady_clock::now() >= next_tick) {
      next_tick = std::chrono::steady_clock::now() + kTickEvery;
      correlate::ProfileUpdate update;
      profiler_.tick(core::now_micros(), update);
      core::MutexLock lock(mu_);
      merge_locked(std::move(update));
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
  core::MutexLock lock(mu_);
  merge_locked(std::move(update));
  return std::exchange(output_, nullptr);
}

}  // namespace decnet::ingest
