// The fleet on this host, beside the floor it stands on in the same run:
//   - fleet_deploy_seconds_10: `decnet deploy` of ten deckies with five services each (ftp, ssh,
//     http, smtp, redis), from the command to every one of the fifty ports answering from the
//     host; beside fleet_bare_namespaces_seconds_10, the same ten namespaces, veths and
//     addresses made with iproute2 alone (no decky), the part of a deploy no decky can avoid;
//   - fleet_service_add_ms: a service (telnet) added to a running decky until its port answers,
//     the median of five; beside decky_cold_start_ms, one `decnet decky run` of that service
//     started from nothing until its port answers.
// Needs root (namespaces); prints nothing without it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "core/config.h"
#include "core/subprocess.h"
#include "decky/fleet/namespace_network.h"
#include "fleet/fleet.h"
#include "store/repository.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kDeckies = 10;
const std::string kNet = "10.236.77.";
const std::string kBridge = "dnbench0";

bool answers(const std::string& ip, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

bool wait_answers(const std::string& ip, int port) {
  for (auto deadline = Clock::now() + std::chrono::seconds(30); Clock::now() < deadline;) {
    if (answers(ip, port)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

std::string name_of(int i) {
  return "bench" + std::to_string(i);
}

double bare_namespaces() {
  const decky::NamespaceNetwork network("dnbare0");
  const auto started = Clock::now();
  network.ensure_bridge("10.236.78.1", 24);
  for (int i = 0; i < kDeckies; ++i) {
    network.add_decky("bare" + std::to_string(i), "10.236.78." + std::to_string(10 + i), 24,
                      "10.236.78.1");
  }
  const double seconds = bench::seconds_since(started);
  for (int i = 0; i < kDeckies; ++i) network.remove_decky("bare" + std::to_string(i));
  network.remove_bridge_if_empty();
  return seconds;
}

double cold_start_ms(const fs::path& dir) {
  const int port = bench::free_tcp_port();
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Its lines go to standard output (--transport stdout): not into the BENCH lines.
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDOUT_FILENO);
    ::setenv("DECNET_DATA_DIR", (dir / "cold").c_str(), 1);
    ::setenv("DECNET_CONFIG", (dir / "none.ini").c_str(), 1);
    ::setenv("DECNET_LOG_LEVEL", "warn", 1);
    const auto ports = "telnet.ports=" + std::to_string(port);
    ::execl(DECNET_BINARY, DECNET_BINARY, "decky", "run", "--name", "cold", "--services", "telnet",
            "--transport", "stdout", "--set", ports.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const bool up = wait_answers("127.0.0.1", port);
  const double ms = bench::seconds_since(started) * 1000;
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  return up ? ms : -1;
}

}  // namespace

int main() {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bench_fleet: needs root (network namespaces); skipped\n");
    return 0;
  }
  const auto dir = fs::temp_directory_path() / ("decnet-bench-fleet-" + std::to_string(::getpid()));
  fs::create_directories(dir / "var");
  const std::vector<std::pair<std::string, std::string>> env = {
      {"DECNET_DATA_DIR", (dir / "var").string()},
      {"DECNET_CONFIG", (dir / "none.ini").string()},
      {"DECNET_FLEET_BRIDGE", kBridge},
      {"DECNET_LOG_LEVEL", "warn"}};
  for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);

  bench::report("fleet_bare_namespaces_seconds_10", bare_namespaces(), "s");

  std::ofstream ini(dir / "fleet.ini");
  ini << "[general]\nnet = " << kNet << "0/24\ngw = " << kNet << "1\n";
  for (int i = 0; i < kDeckies; ++i) {
    ini << "[" << name_of(i) << "]\nservices = ftp, ssh, http, smtp, redis\nip = " << kNet
        << (10 + i) << "\n";
  }
  ini.close();
  const std::vector<int> ports = {21, 22, 80, 25, 587, 6379};
  const auto started = Clock::now();
  const auto deployed = core::run_process({DECNET_BINARY, "deploy", (dir / "fleet.ini").string()},
                                          std::chrono::seconds(300));
  bool all = deployed.ok();
  for (int i = 0; all && i < kDeckies; ++i) {
    for (const int port : ports) all = all && answers(kNet + std::to_string(10 + i), port);
  }
  if (all) {
    bench::report("fleet_deploy_seconds_10", bench::seconds_since(started), "s");
  } else {
    std::fprintf(stderr, "deploy failed: %s\n", deployed.output.c_str());
  }

  if (all) {
    const auto config = core::Config::load();
    const auto repo = store::open_repository(config);
    fleet::Fleet fleet(*repo, nullptr, fleet::fleet_options(config));
    std::vector<double> adds;
    for (int i = 0; i < 5; ++i) {
      const auto t = Clock::now();
      fleet.add_service(name_of(i), "telnet", {});
      if (!answers(kNet + std::to_string(10 + i), 23)) break;
      adds.push_back(bench::seconds_since(t) * 1000);
    }
    if (adds.size() == 5) bench::report("fleet_service_add_ms", bench::percentile(adds, 0.5), "ms");
    repo->close();
  }
  bench::report("decky_cold_start_ms", cold_start_ms(dir), "ms");

  core::run_process({DECNET_BINARY, "teardown", "--all"}, std::chrono::seconds(120));
  fs::remove_all(dir);
  return 0;
}
