#include "decky/fleet/decky_launcher.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/text.h"
#include "decky/fleet/namespace_network.h"

namespace decnet::decky {
namespace {

// In the child, between fork and exec: only system calls, no allocation.
// "<what> failed: errno N", written without strerror (neither thread- nor fork-safe).
[[noreturn]] void child_fail(int log_fd, const char* what) {
  char number[16];
  int n = sizeof number;
  for (int e = errno; n > 0;) {
    number[--n] = static_cast<char>('0' + e % 10);
    e /= 10;
    if (e == 0) break;
  }
  (void)!::write(log_fd, what, std::strlen(what));
  (void)!::write(log_fd, " failed: errno ", 15);
  (void)!::write(log_fd, number + n, sizeof number - static_cast<std::size_t>(n));
  (void)!::write(log_fd, "\n", 1);
  ::_exit(127);
}

}  // namespace

pid_t launch_decky(const DeckyLaunch& launch) {
  // Everything the child needs is made before fork: after it, only system calls.
  const auto ns_path = "/run/netns/" + NamespaceNetwork::namespace_of(launch.decky);
  std::vector<std::string> env_text;
  for (const auto& [k, v] : launch.env) {
    std::string entry = k;
    entry += '=';
    entry += v;
    env_text.push_back(std::move(entry));
  }
  std::vector<char*> argv, envp;
  for (const auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  if (launch.argv.empty()) throw FleetError(launch.decky + ": nothing to run");
  std::filesystem::create_directories(launch.log.parent_path());
  const int log_fd = ::open(launch.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) throw FleetError(launch.decky + ": cannot open " + launch.log.string());
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw FleetError(launch.decky + ": fork failed");
  }
  if (pid == 0) {
    ::setsid();
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 ||
        ::dup2(log_fd, STDERR_FILENO) < 0) {
      child_fail(log_fd, "redirect");
    }
    if (!launch.cwd.empty() && ::chdir(launch.cwd.c_str()) != 0) child_fail(log_fd, "chdir");
    const int ns_fd = ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) child_fail(log_fd, "open network namespace");
    if (::setns(ns_fd, CLONE_NEWNET) != 0) child_fail(log_fd, "setns");
    // The namespace is the decky's alone: any port in it may be bound without root, so a
    // service added once the decky has dropped root can still take port 22 or 80.
    const int ports_fd = ::open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_WRONLY);
    if (ports_fd >= 0) {
      (void)!::write(ports_fd, "0\n", 2);
      ::close(ports_fd);
    }
    if (::unshare(CLONE_NEWUTS) != 0) child_fail(log_fd, "unshare UTS");
    if (::sethostname(launch.hostname.data(), launch.hostname.size()) != 0) {
      child_fail(log_fd, "sethostname");
    }
    ::execve(argv[0], argv.data(), envp.data());
    child_fail(log_fd, "execve");
  }
  ::close(log_fd);
  return pid;
}

bool decky_running(pid_t pid) {
  if (pid <= 0) return false;
  // A child of ours that exited is reaped here, so that its pid is not reported alive.
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return false;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!cmdline) return false;
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  for (auto& c : text) {
    if (c == '\0') c = ' ';
  }
  return text.find(" decky run") != std::string::npos;
}

bool stop_decky(pid_t pid, std::chrono::milliseconds grace) {
  if (!decky_running(pid)) return true;
  for (const int signal : {SIGTERM, SIGKILL}) {
    ::kill(pid, signal);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!decky_running(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return !decky_running(pid);
}

std::string decky_ini(const PlannedDecky& decky, const std::string& master_host, int master_port) {
  std::ostringstream out;
  std::string services;
  for (const auto& s : decky.services) services += (services.empty() ? "" : ",") + s;
  out << "[decky]\nname = " << decky.name << "\nservices = " << services
      << "\nbind = 0.0.0.0\ntransport = relp\nmaster-host = " << master_host
      << "\nmaster-port = " << master_port << "\n";
  if (!decky.tarpit_ports.empty() && decky.tarpit_delay_ms > 0) {
    std::string ports;
    for (const auto p : decky.tarpit_ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    out << "\n[tarpit]\nports = " << ports << "\ndelay_ms = " << decky.tarpit_delay_ms << "\n";
  }
  for (const auto& [service, settings] : decky.settings) {
    out << "\n[service." << service << "]\n";
    for (const auto& [key, value] : settings) {
      // An empty value is the default; a multi-line one (a PEM) cannot be an INI line.
      if (value.empty() || value.find('\n') != std::string::npos) continue;
      out << key << " = " << value << "\n";
    }
  }
  return out.str();
}

}  // namespace decnet::decky
