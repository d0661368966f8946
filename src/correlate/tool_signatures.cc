#include "correlate/tool_signatures.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace decnet::correlate {
namespace {

struct BeaconSignature {
  std::string_view tool;
  double interval_s;
  double interval_tolerance_s;
  double cv;
  double cv_tolerance;
};
constexpr BeaconSignature kBeaconSignatures[] = {
    {"cobalt_strike", 60.0, 8.0, 0.20, 0.05},
    {"sliver", 60.0, 10.0, 0.30, 0.08},
    {"havoc", 45.0, 8.0, 0.10, 0.03},
    {"mythic", 30.0, 6.0, 0.15, 0.03},
};

// Patterns are lower case; `prefix` is the reference's '^'-anchored pattern.
struct HeaderSignature {
  std::string_view tool;
  std::string_view header;
  std::string_view pattern;
  bool prefix = false;
};
constexpr HeaderSignature kHeaderSignatures[] = {
    {"nmap", "user-agent", "nmap scripting engine"},
    {"gophish", "x-mailer", "gophish"},
    {"nikto", "user-agent", "nikto"},
    {"sqlmap", "user-agent", "sqlmap"},
    {"nuclei", "user-agent", "nuclei"},
    {"masscan", "user-agent", "masscan"},
    {"zgrab", "user-agent", "zgrab"},
    {"metasploit", "user-agent", "metasploit"},
    {"curl", "user-agent", "curl/", true},
    {"python_requests", "user-agent", "python-requests"},
    {"gobuster", "user-agent", "gobuster"},
    {"dirbuster", "user-agent", "dirbuster"},
    {"hydra", "user-agent", "hydra"},
    {"wfuzz", "user-agent", "wfuzz"},
};
constexpr std::size_t kHeaderSignatureCount = std::size(kHeaderSignatures);

// Matched against the software part of the banner, which must continue with a character that
// is neither a letter nor a digit ("go" is Go's x/crypto/ssh, not "GoAnywhere"); libssh2 comes
// before libssh for the same reason.
struct BannerSignature {
  std::string_view tool;
  std::string_view software_prefix;
  bool automated;
};
constexpr BannerSignature kBannerSignatures[] = {
    {"libssh2", "libssh2", true},     {"libssh", "libssh", true},
    {"paramiko", "paramiko", true},   {"go_ssh", "go", true},
    {"asyncssh", "asyncssh", true},   {"jsch", "jsch", true},
    {"sshj", "sshj", true},           {"ssh_net", "renci.sshnet", true},
    {"phpseclib", "phpseclib", true}, {"twisted_conch", "twisted", true},
    {"zgrab", "zgrab", true},         {"nmap", "nmap", true},
    {"openssh", "openssh", false},    {"putty", "putty", false},
    {"winscp", "winscp", false},      {"dropbear", "dropbear", false},
};

// The lower-cased first kMaxMatchedInput bytes of attacker text, without allocating.
class BoundedLower {
 public:
  explicit BoundedLower(std::string_view text) : size_(std::min(text.size(), kMaxMatchedInput)) {
    for (std::size_t i = 0; i < size_; ++i) {
      const char c = text[i];
      buf_[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  std::string_view view() const { return {buf_.data(), size_}; }

 private:
  std::array<char, kMaxMatchedInput> buf_;
  std::size_t size_;
};

bool equals_ignoring_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_word_char(char c) {
  return is_alnum(c) || c == '_';
}

// The first occurrence of `word` at or after `from` that no word character touches on either
// side, or npos.
std::size_t find_word(std::string_view text, std::string_view word, std::size_t from = 0) {
  for (auto pos = text.find(word, from); pos != std::string_view::npos;
       pos = text.find(word, pos + 1)) {
    const bool left = pos == 0 || !is_word_char(text[pos - 1]);
    const auto end = pos + word.size();
    const bool right = end == text.size() || !is_word_char(text[end]);
    if (left && right) return pos;
  }
  return std::string_view::npos;
}

bool has_word(std::string_view text, std::string_view word, std::size_t from = 0) {
  return find_word(text, word, from) != std::string_view::npos;
}

bool is_shell_name(std::string_view name) {
  constexpr std::string_view kShells[] = {"sh", "bash", "ash", "dash", "zsh", "ksh"};
  return std::find(std::begin(kShells), std::end(kShells), name) != std::end(kShells);
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// The next whitespace-delimited word of a shell command starting at `pos`, advancing `pos`.
std::string_view next_word(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && is_space(text[pos])) ++pos;
  const auto start = pos;
  while (pos < text.size() && !is_space(text[pos]) && text[pos] != ';' && text[pos] != '&' &&
         text[pos] != '|' && text[pos] != ')') {
    ++pos;
  }
  return text.substr(start, pos - start);
}

std::string_view basename_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Whether a pipe at or after `from` feeds a shell: "| sh", "|/bin/bash", "| sudo bash",
// "| busybox sh". "||" is an or-list, not a pipe.
bool pipes_into_shell(std::string_view text, std::size_t from) {
  for (auto bar = text.find('|', from); bar != std::string_view::npos;
       bar = text.find('|', bar + 1)) {
    if ((bar + 1 < text.size() && text[bar + 1] == '|') || (bar > 0 && text[bar - 1] == '|')) {
      continue;
    }
    auto pos = bar + 1;
    auto program = basename_of(next_word(text, pos));
    if (program == "sudo" || program == "busybox") program = basename_of(next_word(text, pos));
    if (is_shell_name(program)) return true;
  }
  return false;
}

bool downloads_into_shell(std::string_view text, std::string_view downloader) {
  const auto at = find_word(text, downloader);
  return at != std::string_view::npos && pipes_into_shell(text, at);
}

bool wget_into_shell(std::string_view text) {
  return downloads_into_shell(text, "wget");
}
bool curl_into_shell(std::string_view text) {
  return downloads_into_shell(text, "curl");
}

bool base64_into_shell(std::string_view text) {
  const auto at = find_word(text, "base64");
  if (at == std::string_view::npos) return false;
  const bool decodes = has_word(text, "-d", at) || has_word(text, "--decode", at);
  return decodes && pipes_into_shell(text, at);
}

// Mirai and its descendants check for busybox by running it with the family's own token and
// looking for the token in the "applet not found" reply.
bool mirai_busybox_probe(std::string_view text) {
  constexpr std::string_view kTokens[] = {"mirai", "ecchi",  "sora",  "owari",
                                          "okiru", "satori", "masuta"};
  if (!has_word(text, "busybox")) return false;
  return std::any_of(std::begin(kTokens), std::end(kTokens),
                     [&](std::string_view token) { return has_word(text, token); });
}

bool runs_xmrig(std::string_view text) {
  return has_word(text, "xmrig");
}
bool runs_masscan(std::string_view text) {
  return has_word(text, "masscan");
}
bool runs_nmap(std::string_view text) {
  return has_word(text, "nmap");
}

bool dev_tcp_reverse_shell(std::string_view text) {
  return text.find("/dev/tcp/") != std::string_view::npos ||
         text.find("/dev/udp/") != std::string_view::npos;
}

bool netcat_reverse_shell(std::string_view text) {
  for (const std::string_view netcat : {"nc", "ncat", "netcat"}) {
    const auto at = find_word(text, netcat);
    if (at != std::string_view::npos && has_word(text, "-e", at)) return true;
  }
  return false;
}

struct CommandSignature {
  std::string_view tool;
  bool (*matches)(std::string_view lowered);
  bool automated;
};
constexpr CommandSignature kCommandSignatures[] = {
    {"wget_pipe_shell", wget_into_shell, true},
    {"curl_pipe_shell", curl_into_shell, true},
    {"base64_pipe_shell", base64_into_shell, true},
    {"mirai", mirai_busybox_probe, true},
    {"xmrig", runs_xmrig, true},
    {"masscan", runs_masscan, true},
    {"nmap", runs_nmap, true},
    {"dev_tcp_reverse_shell", dev_tcp_reverse_shell, false},
    {"netcat_reverse_shell", netcat_reverse_shell, false},
};

}  // namespace

std::string_view to_string(ToolEvidence evidence) {
  switch (evidence) {
    case ToolEvidence::beacon_timing:
      return "beacon_timing";
    case ToolEvidence::http_header:
      return "http_header";
    case ToolEvidence::client_banner:
      return "client_banner";
    case ToolEvidence::command:
      return "command";
  }
  return "command";
}

std::optional<ToolEvidence> parse_tool_evidence(std::string_view text) {
  for (const auto e : {ToolEvidence::beacon_timing, ToolEvidence::http_header,
                       ToolEvidence::client_banner, ToolEvidence::command}) {
    if (to_string(e) == text) return e;
  }
  return std::nullopt;
}

std::vector<ToolMatch> match_beacon_timing(double mean_iat_s, double cv) {
  std::vector<ToolMatch> found;
  for (const auto& s : kBeaconSignatures) {
    if (std::fabs(mean_iat_s - s.interval_s) <= s.interval_tolerance_s &&
        std::fabs(cv - s.cv) <= s.cv_tolerance) {
      found.push_back({s.tool, ToolEvidence::beacon_timing, true});
    }
  }
  return found;
}

std::vector<ToolMatch> match_http_headers(std::span<const HttpHeader> headers) {
  std::array<bool, kHeaderSignatureCount> hit{};
  for (const auto& header : headers) {
    const bool named = std::any_of(
        std::begin(kHeaderSignatures), std::end(kHeaderSignatures),
        [&](const HeaderSignature& s) { return equals_ignoring_case(header.name, s.header); });
    if (!named) continue;
    const BoundedLower value(header.value);
    for (std::size_t i = 0; i < kHeaderSignatureCount; ++i) {
      const auto& s = kHeaderSignatures[i];
      if (hit[i] || !equals_ignoring_case(header.name, s.header)) continue;
      hit[i] = s.prefix ? value.view().starts_with(s.pattern)
                        : value.view().find(s.pattern) != std::string_view::npos;
    }
  }
  std::vector<ToolMatch> found;
  for (std::size_t i = 0; i < kHeaderSignatureCount; ++i) {
    if (hit[i]) found.push_back({kHeaderSignatures[i].tool, ToolEvidence::http_header, true});
  }
  return found;
}

std::vector<ToolMatch> match_user_agent(std::string_view user_agent) {
  const HttpHeader header{"user-agent", user_agent};
  return match_http_headers({&header, 1});
}

std::optional<ToolMatch> match_client_banner(std::string_view banner) {
  const BoundedLower lowered(banner);
  auto software = lowered.view();
  if (software.starts_with("ssh-")) {
    const auto dash = software.find('-', 4);
    if (dash == std::string_view::npos) return std::nullopt;
    software.remove_prefix(dash + 1);
  }
  for (const auto& s : kBannerSignatures) {
    if (!software.starts_with(s.software_prefix)) continue;
    const auto end = s.software_prefix.size();
    if (end < software.size() && is_alnum(software[end])) continue;
    return ToolMatch{s.tool, ToolEvidence::client_banner, s.automated};
  }
  return std::nullopt;
}

std::vector<ToolMatch> match_command(std::string_view command) {
  const BoundedLower lowered(command);
  std::vector<ToolMatch> found;
  for (const auto& s : kCommandSignatures) {
    if (s.matches(lowered.view())) found.push_back({s.tool, ToolEvidence::command, s.automated});
  }
  return found;
}

std::optional<ToolMatch> known_tool(std::string_view tool, ToolEvidence evidence) {
  const auto find = [&](const auto& table, auto automated) -> std::optional<ToolMatch> {
    for (const auto& s : table) {
      if (s.tool == tool) return ToolMatch{s.tool, evidence, automated(s)};
    }
    return std::nullopt;
  };
  const auto always = [](const auto&) { return true; };
  const auto as_listed = [](const auto& s) { return s.automated; };
  switch (evidence) {
    case ToolEvidence::beacon_timing:
      return find(kBeaconSignatures, always);
    case ToolEvidence::http_header:
      return find(kHeaderSignatures, always);
    case ToolEvidence::client_banner:
      return find(kBannerSignatures, as_listed);
    case ToolEvidence::command:
      return find(kCommandSignatures, as_listed);
  }
  return std::nullopt;
}

void append_new_tools(std::vector<ToolMatch>& into, std::span<const ToolMatch> found) {
  for (const auto& match : found) {
    const bool known = std::any_of(into.begin(), into.end(),
                                   [&](const ToolMatch& m) { return m.tool == match.tool; });
    if (!known) into.push_back(match);
  }
}

}  // namespace decnet::correlate
