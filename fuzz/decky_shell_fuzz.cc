// Fuzzes what an attacker logged into a decky's telnet or ssh reaches: the telnet layer (option
// negotiation taken out), then each line through the shell grammar and the fake shell itself,
// and the same bytes typed into the terminal both services share. Nothing may crash or run
// away: parsed commands and the shell's output stay within bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "decky/protocol/shell_command_line.h"
#include "decky/protocol/telnet_input.h"
#include "decky/shell/fake_shell.h"
#include "decky/shell/terminal.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  decnet::decky::TelnetInput telnet;
  std::string text;
  telnet.feed(input, text);
  check(text.size() <= input.size());
  if (const auto w = telnet.window_size()) check(w->first >= 0 && w->second >= 0);
  const auto variable = [](std::string_view name) { return std::string(name.size() % 7, 'v'); };
  const decnet::decky::Persona persona;
  decnet::decky::FakeShell shell(
      std::make_shared<decnet::decky::FakeTree>(persona, std::vector<std::string>{"ubuntu"}),
      persona, "root", [](std::string_view, decnet::decky::Fields) {});
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\r', start);
    if (end == std::string::npos) end = text.size();
    const auto line = std::string_view(text).substr(start, end - start);
    if (const auto parsed = decnet::decky::parse_shell_line(line, variable)) {
      std::size_t commands = 0;
      for (const auto& p : *parsed) {
        commands += p.commands.size();
        for (const auto& c : p.commands) {
          check(!c.words.empty() && c.words.size() <= decnet::decky::kMaxWords);
        }
      }
      check(commands <= decnet::decky::kMaxCommands);
    }
    if (!shell.exited()) check(shell.run(line).size() <= 64 * 1024);
    start = end + 1;
  }

  decnet::decky::FakeShell typed_into(
      std::make_shared<decnet::decky::FakeTree>(persona, std::vector<std::string>{"ubuntu"}),
      persona, "root", [](std::string_view, decnet::decky::Fields) {});
  decnet::decky::SessionRecorder recorder("fuzz", 80, 24, 64 * 1024);
  std::size_t lines = 0;
  decnet::decky::Terminal terminal(typed_into, recorder, (size & 1) != 0,
                                   [&](const std::string& line, const std::string&) {
                                     check(!line.empty() && line.size() <= 4096);
                                     ++lines;
                                   });
  terminal.start("banner\n");
  for (std::size_t at = 0; at < input.size() && !terminal.ended(); at += 16) {
    // Output is bounded by what the typed lines may each produce, echo included.
    check(terminal.input(input.substr(at, 16)).size() <= 16 * 4 + (64 * 1024 + 256) * 16);
  }
  check(lines <= input.size());
  check(recorder.shard().size() <= 64 * 1024);
  return 0;
}
