// operational.*: what the session was for and how carefully it was run. The intent its command
// words suggest, attention to shell history and traces, and whether the typing rhythm changes
// hands halfway through.
#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "identity/behave_features.h"
#include "identity/behave_statistics.h"

namespace decnet::identity {
namespace {

constexpr std::size_t kMinClassifiedCommands = 3;
constexpr std::size_t kMinMultiActorCommands = 8;
constexpr std::size_t kMinCommandsPerHalf = 4;

// Intent vocabularies, in order of precedence.
struct Intent {
  const char* name;
  CommandWords words;
};

const std::array<Intent, 5>& intents() {
  static const std::array<Intent, 5> kIntents = {{
      {"destructive",
       {"rm", "dd", "mkfs", "shred", "wipe", "kill", "pkill", "killall", "truncate", "fdisk"}},
      {"persistence",
       {"crontab", "systemctl", "useradd", "usermod", "passwd", "chsh", "at", "service",
        "chkconfig", "update-rc.d", "authorized_keys"}},
      {"exfil",
       {"curl", "wget", "scp", "rsync", "nc", "ncat", "socat", "tar", "base64", "xxd", "python",
        "python3", "openssl"}},
      {"lateral",
       {"ssh", "telnet", "rsh", "rlogin", "ftp", "sftp", "mosh", "kubectl", "docker", "psql",
        "mysql", "redis-cli"}},
      {"recon", {"ls",   "pwd",    "whoami", "id",  "uname",    "ps",       "netstat", "ss",
                 "cat",  "find",   "which",  "env", "printenv", "hostname", "w",       "who",
                 "date", "uptime", "df",     "du",  "free",     "lsof",     "lsblk"}},
  }};
  return kIntents;
}

// The most frequent intent among the commands that have one; a tie goes to the intent that
// appeared first.
void objective(const SessionContext& ctx, ObservationList& out) {
  std::vector<std::pair<const char*, std::size_t>> counts;
  std::size_t classified = 0;
  for (const auto& cmd : ctx.commands) {
    for (const auto& intent : intents()) {
      if (!intent.words.contains(cmd.first_token_sha256)) continue;
      ++classified;
      const auto it = std::find_if(counts.begin(), counts.end(),
                                   [&](const auto& c) { return c.first == intent.name; });
      if (it == counts.end()) {
        counts.emplace_back(intent.name, 1);
      } else {
        ++it->second;
      }
      break;
    }
  }
  if (classified < kMinClassifiedCommands) return;
  const auto winner =
      std::max_element(counts.begin(), counts.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  out.add("operational.objective", winner->first, classified < 6 ? 0.40 : 0.60);
}

bool any_cleanup_in_last(const SessionContext& ctx, std::size_t last) {
  const auto& cmds = ctx.commands;
  const auto from = cmds.end() - static_cast<std::ptrdiff_t>(std::min(cmds.size(), last));
  return std::any_of(from, cmds.end(), [](const ShellCommand& c) {
    return cleanup_words().contains(c.first_token_sha256);
  });
}

void opsec_discipline(const SessionContext& ctx, ObservationList& out) {
  static const CommandWords kOpsec{"history", "unset", "export", "set", "script"};
  if (ctx.commands.empty()) return;
  const bool aware =
      std::any_of(ctx.commands.begin(), ctx.commands.end(),
                  [](const ShellCommand& c) { return kOpsec.contains(c.first_token_sha256); });
  const char* value = !aware ? "careless" : any_cleanup_in_last(ctx, 3) ? "careful" : "learning";
  out.add("operational.opsec_discipline", value,
          ctx.commands.size() < kFullConfidenceCommands ? 0.30 : 0.45);
}

void cleanup_behavior(const SessionContext& ctx, ObservationList& out) {
  const auto& cmds = ctx.commands;
  if (cmds.empty()) return;
  std::set<std::string_view> cleanups;
  for (auto it = cmds.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(cmds.size(), 5));
       it != cmds.end(); ++it) {
    if (cleanup_words().contains(it->first_token_sha256)) cleanups.insert(it->first_token_sha256);
  }
  const char* value = cleanups.size() >= 3 ? "thorough" : cleanups.empty() ? "none" : "partial";
  out.add("operational.cleanup_behavior", value, cmds.size() >= 8 ? 0.55 : 0.35);
}

// Compares how fast commands are typed in each half of the session: a typing speed that
// changes by more than half suggests another pair of hands took over.
void multi_actor_indicators(const SessionContext& ctx, ObservationList& out) {
  if (ctx.commands.size() < kMinMultiActorCommands) return;
  const double middle = ctx.t_start + ctx.duration / 2.0;
  std::vector<double> first_half;
  std::vector<double> second_half;
  std::size_t first_commands = 0;
  std::size_t second_commands = 0;
  for (std::size_t i = 0; i < ctx.commands.size(); ++i) {
    const bool first = ctx.commands[i].start < middle;
    auto& pool = first ? first_half : second_half;
    ++(first ? first_commands : second_commands);
    pool.insert(pool.end(), ctx.intra_command_iats[i].begin(), ctx.intra_command_iats[i].end());
  }
  if (first_commands < kMinCommandsPerHalf || second_commands < kMinCommandsPerHalf) return;
  const auto a = median(std::move(first_half));
  const auto b = median(std::move(second_half));
  if (!a || !b) return;
  const double larger = std::max(*a, *b);
  const bool handoff = larger > 0.0 && std::fabs(*a - *b) / larger > 0.5;
  out.add("operational.multi_actor_indicators", handoff ? "handoff_detected" : "solo",
          first_commands >= 8 && second_commands >= 8 ? 0.55 : 0.40);
}

}  // namespace

void add_operational_observations(const SessionContext& ctx, ObservationList& out) {
  objective(ctx, out);
  opsec_discipline(ctx, out);
  cleanup_behavior(ctx, out);
  multi_actor_indicators(ctx, out);
}

}  // namespace decnet::identity
