// What telnet and ssh emit around the fake shell once someone is logged in: each command line
// as the reference's bash hook logged it, and the session's recording, cut into lines the
// syslog channel carries, closed by session_recorded.
#pragma once

#include <string>
#include <string_view>

#include "decky/net/session.h"
#include "decky/shell/session_recorder.h"

namespace decnet::decky {

void emit_command(Session& s, const std::string& user, const std::string& cwd,
                  const std::string& line);

void send_recording(Session& s, const SessionRecorder& recorder, std::string_view service);

}  // namespace decnet::decky
