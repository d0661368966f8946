// The decky facing a crowd, beside a real server in the same run:
//   - decky_connections_held: idle connections (clients that connected and went quiet, from 200
//     loopback addresses) one `decnet decky run` holds at once, out of 10,000, with
//     decky_rss_mib its resident memory then (target: 10,000 within 512 MiB), beside
//     nginx_rss_mib: one nginx worker holding the same 10,000 idle connections;
//   - decky_http_auth_per_second: Basic-auth requests answered per second by the decky's HTTP
//     service on one core (every one a captured credential written to its outbox), beside
//     nginx_http_auth_per_second: nginx with auth_basic refusing the same requests on one core;
//   - decky_ssh_auth_per_second: SSH password attempts answered per second by the decky's ssh
//     service on one core (clients connect, exchange keys and try five wrong passwords each),
//     beside sshd_ssh_auth_per_second: OpenSSH's sshd refusing the same attempts on one core.
// Load comes from wrk, or from libssh clients, on the other core.
#include <arpa/inet.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr int kConnections = 10'000;
constexpr int kSources = 200;

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const fs::path& log, int cpu) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ::sched_setaffinity(0, sizeof set, &set);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

int connect_from(const std::string& source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool wait_for_port(int port) {
  for (auto deadline = Clock::now() + std::chrono::seconds(15); Clock::now() < deadline;) {
    const int fd = connect_from("127.0.0.1", port);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// Resident memory of a process and its children (nginx's master and worker), MiB.
double rss_mib(pid_t pid) {
  double total = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    long ppid = -1, rss_kb = 0;
    while (std::getline(status, line)) {
      if (line.rfind("PPid:", 0) == 0) ppid = std::stol(line.substr(5));
      if (line.rfind("VmRSS:", 0) == 0) rss_kb = std::stol(line.substr(6));
    }
    if (std::stol(name) == pid || ppid == pid) total += static_cast<double>(rss_kb) / 1024.0;
  }
  return total;
}

// Opens kConnections idle connections from kSources addresses; returns how many the server
// still holds open a second later, and the server's RSS then.
std::pair<int, double> hold(pid_t server, int port) {
  std::vector<int> fds;
  fds.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    const auto source = "127.0.1." + std::to_string(1 + i % kSources);
    const int fd = connect_from(source, port);
    if (fd >= 0) fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  int open = 0;
  char buffer[512];
  for (const int fd : fds) {
    // Drain a banner, then see whether the server closed.
    bool closed = false;
    while (true) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
      const auto n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n <= 0) {
        closed = n == 0 || errno != EAGAIN;
        break;
      }
    }
    open += closed ? 0 : 1;
  }
  const double rss = rss_mib(server);
  for (const int fd : fds) ::close(fd);
  return {open, rss};
}

// Requests per second wrk gets through with `header` on the other core.
double wrk_rate(int port, const std::string& header, const fs::path& dir) {
  const auto out = dir / "wrk.out";
  const auto cmd = "taskset -c 1 wrk -t1 -c32 -d5s -H '" + header +
                   "' http://127.0.0.1:" + std::to_string(port) + "/admin > " + out.string() +
                   " 2>&1";
  if (std::system(cmd.c_str()) != 0) return 0;
  std::ifstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    const auto at = line.find("Requests/sec:");
    if (at != std::string::npos) return std::stod(line.substr(at + 13));
  }
  return 0;
}

void nginx_conf(const fs::path& dir, int port) {
  std::system(("printf 'bench:%s\\n' \"$(openssl passwd -apr1 right-password)\" > " +
               (dir / "htpasswd").string())
                  .c_str());
  std::ofstream(dir / "nginx.conf")
      << "daemon off;\nworker_processes 1;\npid " << (dir / "nginx.pid").string() << ";\nerror_log "
      << (dir / "nginx.err").string() << ";\nworker_rlimit_nofile 20000;\n"
      << "events { worker_connections 12000; }\nhttp {\n  access_log off;\n"
      << "  client_body_temp_path " << dir.string() << ";\n  proxy_temp_path " << dir.string()
      << ";\n  fastcgi_temp_path " << dir.string() << ";\n  uwsgi_temp_path " << dir.string()
      << ";\n  scgi_temp_path " << dir.string() << ";\n  keepalive_timeout 600;\n"
      << "  client_header_timeout 600;\n  server {\n    listen 127.0.0.1:" << port
      << " backlog=4096;\n    location / { auth_basic \"Restricted\"; auth_basic_user_file "
      << (dir / "htpasswd").string() << "; }\n  }\n}\n";
}

constexpr int kSshClients = 16;
constexpr int kAttemptsPerConnection = 5;

// One client: connects, exchanges keys and tries wrong passwords; the attempts answered.
int ssh_attempts(int port) {
  ssh_session s = ssh_new();
  if (!s) return 0;
  const bool no = false;
  const int port_value = port;
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1");
  ssh_options_set(s, SSH_OPTIONS_PORT, &port_value);
  ssh_options_set(s, SSH_OPTIONS_USER, "root");
  ssh_options_set(s, SSH_OPTIONS_KEY_EXCHANGE, "curve25519-sha256");
  ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519");
  int answered = 0;
  if (ssh_connect(s) == SSH_OK) {
    for (int i = 0; i < kAttemptsPerConnection; ++i) {
      const int rc = ssh_userauth_password(s, nullptr, "wrong-password");
      if (rc != SSH_AUTH_DENIED && rc != SSH_AUTH_PARTIAL) break;
      ++answered;
    }
    ssh_disconnect(s);
  }
  ssh_free(s);
  return answered;
}

// Password attempts answered per second by the server on `port`, from clients on core 1.
double ssh_rate(int port) {
  std::atomic<long> answered{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  const auto start = Clock::now();
  for (int i = 0; i < kSshClients; ++i) {
    clients.emplace_back([&] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(1, &set);
      ::sched_setaffinity(0, sizeof set, &set);
      while (!done.load()) answered += ssh_attempts(port);
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(8));
  done = true;
  for (auto& t : clients) t.join();
  return static_cast<double>(answered.load()) /
         std::chrono::duration<double>(Clock::now() - start).count();
}

// OpenSSH's sshd as a stock host runs it for passwords, on a loopback port, in `dir`.
void sshd_conf(const fs::path& dir, int port) {
  std::system(("ssh-keygen -q -t ed25519 -N '' -f " + (dir / "sshd_host_key").string()).c_str());
  std::ofstream(dir / "sshd_config")
      << "Port " << port << "\nListenAddress 127.0.0.1\nHostKey "
      << (dir / "sshd_host_key").string() << "\nPidFile " << (dir / "sshd.pid").string()
      << "\nUsePAM no\nPasswordAuthentication yes\n"
         "KbdInteractiveAuthentication no\nPubkeyAuthentication "
         "no\nMaxAuthTries 6\nMaxStartups 1000\nStrictModes "
         "no\nLogLevel QUIET\n";
}

}  // namespace

int main() {
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  const auto dir = fs::temp_directory_path() / ("decnet-bench-decky-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  const std::string basic =
      "Authorization: Basic YmVuY2g6d3JvbmctcGFzc3dvcmQ=";  // bench:wrong-password

  const int http_port = bench::free_tcp_port();
  const int ftp_port = bench::free_tcp_port();
  const auto decky =
      spawn({DECNET_BINARY, "decky", "run", "--name", "bench-decky", "--services", "ftp,http",
             "--transport", "stdout", "--set", "ftp.ports=" + std::to_string(ftp_port), "--set",
             "http.ports=" + std::to_string(http_port)},
            {{"DECNET_DATA_DIR", (dir / "var").string()},
             {"DECNET_CONFIG", (dir / "none.ini").string()},
             {"DECNET_LOG_LEVEL", "warn"},
             {"DECNET_DECKY_MAX_CONNECTIONS", "20000"},
             {"DECNET_DECKY_IDLE_TIMEOUT_SECONDS", "600"}},
            dir / "decky.out", 0);
  if (wait_for_port(ftp_port) && wait_for_port(http_port)) {
    const auto [held, rss] = hold(decky, ftp_port);
    bench::report("decky_connections_held", held, "connections");
    bench::report("decky_rss_mib", rss, "MiB");
    bench::report("decky_http_auth_per_second", wrk_rate(http_port, basic, dir), "req/s");
  } else {
    std::fprintf(stderr, "decky did not start; see %s\n", (dir / "decky.out").c_str());
  }
  stop(decky);

  const int ssh_port = bench::free_tcp_port();
  const auto ssh_decky =
      spawn({DECNET_BINARY, "decky", "run", "--name", "bench-decky", "--services", "ssh",
             "--transport", "stdout", "--set", "ssh.ports=" + std::to_string(ssh_port)},
            {{"DECNET_DATA_DIR", (dir / "var").string()},
             {"DECNET_CONFIG", (dir / "none.ini").string()},
             {"DECNET_LOG_LEVEL", "warn"}},
            dir / "decky-ssh.out", 0);
  if (wait_for_port(ssh_port)) {
    bench::report("decky_ssh_auth_per_second", ssh_rate(ssh_port), "attempts/s");
  } else {
    std::fprintf(stderr, "decky did not start; see %s\n", (dir / "decky.out").c_str());
  }
  stop(ssh_decky);

  const int nginx_port = bench::free_tcp_port();
  nginx_conf(dir, nginx_port);
  const auto nginx =
      spawn({"/usr/sbin/nginx", "-c", (dir / "nginx.conf").string(), "-p", dir.string()}, {},
            dir / "nginx.out", 0);
  if (wait_for_port(nginx_port)) {
    const auto [held, rss] = hold(nginx, nginx_port);
    bench::report("nginx_connections_held", held, "connections");
    bench::report("nginx_rss_mib", rss, "MiB");
    bench::report("nginx_http_auth_per_second", wrk_rate(nginx_port, basic, dir), "req/s");
  } else {
    std::fprintf(stderr, "nginx did not start; see %s\n", (dir / "nginx.out").c_str());
  }
  stop(nginx);

  // sshd needs its privilege separation directory, which Debian makes when the service starts.
  if (::geteuid() == 0) fs::create_directories("/run/sshd");
  const int sshd_port = bench::free_tcp_port();
  sshd_conf(dir, sshd_port);
  const auto sshd = spawn({"/usr/sbin/sshd", "-D", "-e", "-f", (dir / "sshd_config").string()}, {},
                          dir / "sshd.out", 0);
  if (wait_for_port(sshd_port)) {
    bench::report("sshd_ssh_auth_per_second", ssh_rate(sshd_port), "attempts/s");
  } else {
    std::fprintf(stderr, "sshd did not start; see %s\n", (dir / "sshd.out").c_str());
  }
  stop(sshd);
  fs::remove_all(dir);
  return 0;
}
