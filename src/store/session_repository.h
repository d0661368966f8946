// Sessions: one attacker's connection to one service of one decky, from its first event to its
// end event or a silence. The profiler keeps open sessions in memory and writes a row when a
// session opens and again when it ends, both through one upsert keyed by the session's uuid, so
// a write that was lost to a rolled-back transaction is made good by the next one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

// How a session went, as far as its events tell.
enum class SessionOutcome { kClosed, kAuthFailed, kLoggedIn };
std::string_view to_string(SessionOutcome outcome);
std::optional<SessionOutcome> session_outcome_from(std::string_view text);

struct SessionCommand {
  std::string command;  // at most kMaxSessionCommandBytes
  std::int64_t ts = 0;
};

// A session keeps this many commands (in order; command_count stays exact) of at most this
// many bytes each: a bot pasting a megabyte script line by line must not grow one row forever.
inline constexpr std::size_t kMaxSessionCommands = 500;
inline constexpr std::size_t kMaxSessionCommandBytes = 1024;

struct Session {
  std::string uuid;
  std::string attacker_uuid;  // filled when read
  std::string attacker_ip;
  std::string decky;
  std::string service;
  std::optional<std::string> session_id;  // the decky's own id (sessrec sid, ...), if it sent one
  std::int64_t started_at = 0;
  std::int64_t last_event_at = 0;
  std::optional<std::int64_t> ended_at;   // null while open
  std::optional<std::string> end_reason;  // end_event | silence | evicted | replaced
  std::int64_t event_count = 0;
  std::int64_t auth_attempts = 0;
  std::vector<SessionCommand> commands;
  std::int64_t command_count = 0;
  std::int64_t bytes = 0;
  SessionOutcome outcome = SessionOutcome::kClosed;
  std::optional<std::string> recording;  // artifact path under the data directory
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // Inserts the session of attacker `attacker_id` (attackers.id; the caller knows it, so the
  // writer looks no address up) or rewrites every field of the row with its uuid.
  virtual void upsert_session(WriteScope& scope, std::int64_t attacker_id,
                              const Session& session) = 0;
  virtual std::optional<Session> get_session(const std::string& uuid) = 0;
  // Newest first.
  virtual Page<Session> list_sessions_for_attacker(const std::string& attacker_uuid,
                                                   const PageRequest& page) = 0;
  // Sessions with at least one command, in the order they were stored, after the one at
  // position `after` (0: from the start), at most `limit`; `after` becomes the position of the
  // last one returned. For tagging what is already stored.
  virtual std::vector<Session> list_sessions_with_commands(std::int64_t& after,
                                                           std::int64_t limit) = 0;
  // Sessions still open (no end), oldest first, at most `limit`: what a restart resumes.
  virtual std::vector<Session> list_open_sessions(std::int64_t limit) = 0;
};

}  // namespace decnet::store
