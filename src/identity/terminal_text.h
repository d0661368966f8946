// Reading what a shell printed: escape sequences removed, error messages and prompt lines
// recognised, a locale picked out of an environment dump. All of it runs on attacker-chosen
// output of any size, so every scanner here is a single linear pass (no regex engine, whose
// backtracking and recursion a hostile terminal could drive).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::identity {

// The text with CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \) and two-byte escapes (ESC
// followed by 0x40-0x5F other than '[') removed. An unfinished CSI is left in place.
std::string strip_ansi(std::string_view text);

// True if escape-stripped output carries one of the canonical shell failure messages ("command
// not found", "No such file or directory", "Permission denied", ...).
bool shows_shell_error(std::string_view stripped);

inline constexpr std::size_t kMaxPromptLineChars = 256;

// Calls visit(suffix, line) for each line of escape-stripped output that looks like a shell
// prompt: after trailing whitespace it ends in $ # % or >, and either a space followed that
// character or the line carries a PS1-like token (user@host, a leading "PS ", a drive letter
// such as C:\ or C:/). `line` is trimmed and cut to its last kMaxPromptLineChars characters;
// it may name users and hosts, so callers keep only what they derive from it.
void visit_prompt_lines(std::string_view stripped,
                        const std::function<void(char suffix, std::string_view line)>& visit);

// The shell a prompt belongs to, as a static string: "bash" for $ and #, "zsh" for %, and for >
// "powershell" (the line starts with "PS "), "cmd.exe" (it holds C:\ or c:\) or else "fish".
std::string_view shell_of_prompt(char suffix, std::string_view line);

// A POSIX locale name as a BCP-47 tag: "en_US.UTF-8" -> "en-US", "de_DE@euro" -> "de-DE",
// "fr" -> "fr", "C" and "POSIX" -> "und"; nullopt when it is not a locale name.
std::optional<std::string> bcp47_locale(std::string_view posix_name);

// The locale an environment dump in the output declares: the first LC_ALL= value, else the
// first LANG=, else the first LC_CTYPE=, counting only values that are locale names.
std::optional<std::string> declared_locale(std::string_view stripped);

}  // namespace decnet::identity
