// The infrastructure a command points at: the hosts an attacker downloads from or calls back to
// (wget/curl/tftp/ftp URLs, a reverse shell's /dev/tcp/<host>/<port>, nc <host> <port>). Bots of
// one operator fetch their loader from the same few hosts whatever address they come from, so a
// shared endpoint is evidence of one identity (IdentityGraph's c2). Endpoints are
// "<host>:<port>", the host lowercased, the scheme's port when none is given.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace decnet::identity {

inline constexpr std::size_t kMaxEndpointsPerCommand = 16;

std::set<std::string> endpoints_in_command(std::string_view command);

}  // namespace decnet::identity
