// One event as the profiler needs it: who, where, when, and the few parameters that tell what
// kind of step it was. Built while a batch is prepared (the parsed line is at hand there) and fed
// to the profiler only once the batch is committed, so sessions and behaviour never count a line
// the database does not hold. Text is bounded when it is taken from the line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace decnet::correlate {

struct ProfileEvent {
  std::int64_t ts = 0;           // the event's time, microseconds UTC
  std::int64_t received_at = 0;  // when the master read it: silences are measured on this clock
  std::string attacker_ip;
  std::string decky;
  std::string service;  // for session_recorded, the recorded service (ssh, telnet)
  std::string event_type;
  std::string session_id;     // the decky's session id (sid, session, session_id); empty: none
  std::string command;        // a shell or query command's text; empty: not a command
  std::string user_agent;     // an HTTP request's User-Agent; empty: none
  std::string client_banner;  // an SSH client's version string; empty: none
  bool auth_attempt = false;  // the line carried a credential
  bool auth_success = false;  // the decky reports a successful login
  std::int64_t bytes = -1;    // payload or transcript size when the line says; -1 unknown
  std::optional<double> duration_s;  // a recording's length (session_recorded)
  // A piece of a session recording (session_recording_chunk): its place in the recording,
  // whether it is the last one, and its bytes (decoded, at most kMaxRecordingChunkBytes).
  std::int64_t recording_seq = -1;  // -1: not a recording chunk
  bool recording_last = false;
  std::string recording_data;
  // A fingerprint of the attacker's software the line carries: its kind (ja3, hassh, jarm), the
  // hash, and the string the hash was computed from when the line has it.
  std::string fingerprint_kind;  // empty: none
  std::string fingerprint;
  std::string fingerprint_text;
  // The line reports a probe DECNET sent to the attacker's host, not a step the attacker took:
  // it counts towards no session or behaviour (only its fingerprint is kept).
  bool probe = false;
};

inline constexpr std::size_t kMaxFingerprintBytes = 256;
inline constexpr std::size_t kMaxFingerprintTextBytes = 4096;

inline constexpr std::size_t kMaxRecordingChunkBytes = 8192;
inline constexpr std::string_view kRecordingChunkEvent = "session_recording_chunk";

// Event types that carry a command, and the fields its text is taken from, in order.
bool is_command_event(std::string_view event_type);
// Event types that open a session without a session id (a new connection), and that end one.
bool opens_session(std::string_view event_type);
bool ends_session(std::string_view event_type);

}  // namespace decnet::correlate
