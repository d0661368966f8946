// The shell grammar the decky's fake shell understands, enough for what attacker scripts type:
// simple commands with single and double quotes and backslashes, `$VAR` and `${VAR}` expanded
// from the shell's variables, pipes, `;`, `&&`, `||`, a trailing `&`, and output redirections
// (`>`, `>>`, `2>`, `2>&1`, `<` ignored). Command substitution and globbing are not expanded:
// the words are kept as typed. Bounded: at most kMaxCommands commands and kMaxWords words each.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

struct ShellCommand {
  std::vector<std::string> words;
  std::optional<std::string> stdout_to;  // `> file` or `>> file`
  bool append = false;
  bool stderr_discarded = false;  // `2>/dev/null` or `2>&1`
};

// Commands joined by pipes run as one pipeline; pipelines are joined by `;`, `&&` or `||`.
struct ShellPipeline {
  enum class Then { kAlways, kIfSuccess, kIfFailure };
  std::vector<ShellCommand> commands;
  Then run_if = Then::kAlways;  // how this pipeline depends on the previous one
};

inline constexpr std::size_t kMaxCommands = 64;
inline constexpr std::size_t kMaxWords = 256;

// The pipelines of `line`; nullopt for a syntax error (an unterminated quote, a pipe with
// nothing after it, too many commands or words).
std::optional<std::vector<ShellPipeline>> parse_shell_line(
    std::string_view line, const std::function<std::string(std::string_view)>& variable);

}  // namespace decnet::decky
