// Which known tools an attacker is using, recognised from what it shows us: the timing of a C2
// beacon, HTTP headers (User-Agent, X-Mailer), the SSH client's version banner and the
// commands it types.
//
// Every input is attacker text, so matching is bounded: at most the first kMaxMatchedInput
// bytes are examined, and the matchers are plain substring, prefix and word searches with no
// backtracking. Text comparisons ignore ASCII case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace decnet::correlate {

inline constexpr std::size_t kMaxMatchedInput = 1024;

enum class ToolEvidence : std::uint8_t { beacon_timing, http_header, client_banner, command };

std::string_view to_string(ToolEvidence evidence);
std::optional<ToolEvidence> parse_tool_evidence(std::string_view text);

struct ToolMatch {
  std::string_view tool;  // names a static table entry: valid for the whole program
  ToolEvidence evidence = ToolEvidence::command;
  bool automated = true;  // a scanner, library, bot or implant rather than a person's client

  bool operator==(const ToolMatch&) const = default;
};

// C2 frameworks whose default beacon fits |mean - interval| <= tolerance and
// |cv - jitter| <= jitter tolerance, every fit in table order: cobalt_strike (60 s ± 8, cv 0.20
// ± 0.05), sliver (60 ± 10, 0.30 ± 0.08), havoc (45 ± 8, 0.10 ± 0.03), mythic (30 ± 6,
// 0.15 ± 0.03).
std::vector<ToolMatch> match_beacon_timing(double mean_iat_s, double cv);

struct HttpHeader {
  std::string_view name;  // any case
  std::string_view value;
};

// Header signatures (nmap, gophish's X-Mailer, nikto, sqlmap, nuclei, masscan, zgrab,
// metasploit, curl, python_requests, gobuster, dirbuster, hydra, wfuzz) in table order. A
// pattern is a substring of the header value, or a prefix of it when written with a leading '^'.
std::vector<ToolMatch> match_http_headers(std::span<const HttpHeader> headers);
std::vector<ToolMatch> match_user_agent(std::string_view user_agent);

// The client software named by an SSH version banner ("SSH-2.0-libssh_0.9.6", or just the
// software part "libssh_0.9.6"). Libraries and scanners are automated; interactive clients
// (OpenSSH, PuTTY, WinSCP, dropbear's dbclient) are not, though scripts drive them too.
std::optional<ToolMatch> match_client_banner(std::string_view banner);

// Tooling visible in a command line: downloads piped into a shell, Mirai-family busybox probes,
// miners, scanners, reverse shells and base64-decoded scripts piped into a shell.
std::vector<ToolMatch> match_command(std::string_view command);

// The table entry a saved match names, so that a restored match points at static storage again;
// nullopt when no signature of that kind has that name.
std::optional<ToolMatch> known_tool(std::string_view tool, ToolEvidence evidence);

// Appends the matches whose tool `into` does not name yet, keeping detection order.
void append_new_tools(std::vector<ToolMatch>& into, std::span<const ToolMatch> found);

}  // namespace decnet::correlate
