// Sessions as they happen. A session is one attacker's connection to one service of one decky:
// opened by the first event carrying the decky's session id or by a connection event, joined by
// the events that follow on the same (address, decky, service), and closed by its end event
// (disconnect, a recorded session's end), by a silence, or by a new connection on the same
// target that carries no id of its own (the decky cannot tell two such connections apart, so
// the new one replaces the old).
//
// Shell commands logged by the decky's bash hook carry no session id and come from the decky's
// container name; as the deckies' own collector did, they are kept per address for an hour and
// given to the recorded session whose time window holds them when its session_recorded arrives.
//
// A session is announced (attacker.session.started, and its first row) once it has lasted
// announce_after, or when it ends if that comes first: a connection that opens and closes
// within a few seconds, as most scanners' and brute-forcers' do, costs one row, not two.
//
// Memory is bounded: at most max_open sessions (the longest-silent one is closed to make room),
// kMaxSessionCommands commands per session, 64 waiting commands per address and max_open
// addresses with waiting commands. The tracker is not thread-safe; the pipeline feeds it from one
// thread.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "correlate/profile_event.h"
#include "store/session_repository.h"

namespace decnet::correlate {

struct SessionTrackerOptions {
  std::int64_t idle_timeout_us = 300'000'000;  // a session silent this long is over
  std::size_t max_open = 100'000;
  std::int64_t announce_after_us = 5'000'000;
};

// What a step of the tracker changed: sessions announced as started and sessions that ended (a
// session can do both in one step), each as it stood at that moment.
struct SessionChanges {
  std::vector<store::Session> started;
  std::vector<store::Session> ended;
  std::vector<store::Session> refreshed;  // still open, written as they stand (no event)
  // The rows to write: the latest state of every session above, once each.
  std::vector<store::Session> rows() const;
  bool empty() const { return started.empty() && ended.empty() && refreshed.empty(); }
};

class SessionTracker {
 public:
  explicit SessionTracker(SessionTrackerOptions options = {});

  // Takes back sessions that were open when the process last stopped.
  void resume(std::vector<store::Session> open_sessions, std::int64_t now_received);
  void add(const ProfileEvent& event, SessionChanges& changes);
  // Ends every session silent for longer than the idle timeout at `now_received`, and announces
  // the open ones that have lasted announce_after.
  void close_silent(std::int64_t now_received, SessionChanges& changes);
  // Open sessions as they stand (for a final write at shutdown).
  std::vector<store::Session> open_sessions() const;
  std::size_t open_count() const { return open_.size(); }

 private:
  struct Open {
    store::Session session;
    std::string key;     // in open_
    std::string target;  // address, decky, service
    std::int64_t last_received = 0;
    bool announced = false;
  };
  struct WaitingCommand {
    std::string command;
    std::int64_t ts = 0;
    std::int64_t received_at = 0;
  };

  Open& open(const ProfileEvent& e, const std::string& key, std::string target,
             SessionChanges& changes);
  void touch(Open& s, const ProfileEvent& e);
  void end(const std::string& key, std::int64_t at, std::string_view reason,
           SessionChanges& changes);
  void wait_for_recording(const ProfileEvent& e);
  void attach_waiting(Open& s);
  static void append_command(store::Session& s, std::string_view command, std::int64_t ts);

  SessionTrackerOptions options_;
  std::unordered_map<std::string, Open> open_;  // by address, decky, service, session id
  std::unordered_map<std::string, std::string> latest_on_target_;        // target -> key in open_
  std::set<std::pair<std::int64_t, std::string>> by_silence_;            // (last received, key)
  std::deque<std::pair<std::int64_t, std::string>> to_announce_;         // (opened, key)
  std::unordered_map<std::string, std::deque<WaitingCommand>> waiting_;  // by address
};

}  // namespace decnet::correlate
