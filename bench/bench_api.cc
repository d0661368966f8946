// API figures, end to end over loopback. First the page the dashboard opens on,
// GET /api/v1/attackers?limit=50, against a database of 1,000,000 attackers, driven by `wrk`
// (-t2 -c64 -d10s) with a real viewer token. The database does not change during the run, so
// wrk measures the page served from the response cache; the handler is also timed building the
// page afresh after a commit. The wrk figure includes HTTP parsing, token verification, the
// role check and the data version check. Then the live stream: 1,000 concurrent SSE clients
// opened with real tickets, 200 events published on the in-process bus 10 ms apart, each
// carrying its publish time, and the delay from publish to the moment a client has read the
// frame from its socket.
//
// Targets: >= 20,000 req/s with p99 <= 20 ms; SSE delivery p99 <= 100 ms.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "api/auth/login_service.h"
#include "api/auth/sse_tickets.h"
#include "api/auth/token_service.h"
#include "api/http/http_server.h"
#include "api/http/http_types.h"
#include "api/http/metrics.h"
#include "api/http/route_table.h"
#include "api/routes/api_routes.h"
#include "api/routes/routes.h"
#include "api/routes/stream_hub.h"
#include "bench_support.h"
#include "bus/inprocess_bus.h"
#include "store/attacker_repository.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/state_repository.h"
#include "store/user_repository.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kT0 = 1'780'000'000'000'000;
constexpr int kSseClients = 1000;
constexpr int kSseEvents = 200;

std::string ip_of(std::uint32_t n) {
  return std::to_string(1 + (n >> 24) % 223) + "." + std::to_string((n >> 16) & 255) + "." +
         std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

void load_attackers(store::Repository& repo, std::uint32_t count) {
  std::mt19937 rng(7);
  const auto start = Clock::now();
  for (std::uint32_t i = 0; i < count; i += 5000) {
    repo.write_now([&](store::WriteScope& w) {
      for (std::uint32_t j = i; j < std::min(count, i + 5000); ++j) {
        const auto ts = kT0 + static_cast<std::int64_t>(rng() % 86'400'000) * 1000;
        store::AttackerActivity a{ip_of(j * 2654435761u),
                                  ts,
                                  ts,
                                  static_cast<std::int64_t>(1 + rng() % 50),
                                  0,
                                  {{"decky-" + std::to_string(j % 50), "ssh", ts, ts, 1}}};
        repo.attackers().record_activity(w, a);
      }
      return 0;
    });
  }
  std::fprintf(stderr, "loaded %u attackers in %.0f s\n", count, bench::seconds_since(start));
}

// wrk prints latencies as "1.23ms", "456.78us" or "1.02s".
double to_ms(const std::string& value, const std::string& unit) {
  const double v = std::stod(value);
  if (unit == "us") return v / 1000;
  if (unit == "s") return v * 1000;
  if (unit == "m") return v * 60'000;
  return v;
}

struct WrkResult {
  double rps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long long non_2xx = 0;
  long long errors = 0;
  std::string raw;
};

WrkResult run_wrk(int port, const std::string& token, const std::string& path, int seconds) {
  const std::string cmd = "wrk -t2 -c64 -d" + std::to_string(seconds) +
                          "s --latency -H 'Authorization: Bearer " + token +
                          "' 'http://127.0.0.1:" + std::to_string(port) + path + "' 2>&1";
  WrkResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  while (const auto n = std::fread(buf, 1, sizeof buf, pipe)) r.raw.append(buf, n);
  pclose(pipe);
  std::smatch m;
  if (std::regex_search(r.raw, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    r.rps = std::stod(m[1]);
  }
  if (std::regex_search(r.raw, m, std::regex(R"(\n\s+50%\s+([0-9.]+)(us|ms|s|m)\b)"))) {
    r.p50_ms = to_ms(m[1], m[2]);
  }
  if (std::regex_search(r.raw, m, std::regex(R"(\n\s+99%\s+([0-9.]+)(us|ms|s|m)\b)"))) {
    r.p99_ms = to_ms(m[1], m[2]);
  }
  if (std::regex_search(r.raw, m, std::regex(R"(Non-2xx or 3xx responses:\s+(\d+))"))) {
    r.non_2xx = std::stoll(m[1]);
  }
  if (std::regex_search(r.raw, m, std::regex(R"(Socket errors:[^\n]*)"))) r.errors = 1;
  return r;
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Opens one event stream and reads until the server's ": connected" comment, so the
// subscription is in place before anything is published.
int open_stream(int port, const std::string& ticket) {
  const int fd = connect_loopback(port);
  if (fd < 0) return -1;
  const std::string request = "GET /api/v1/stream?topics=system.log&ticket=" + ticket +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string seen;
  char buf[2048];
  while (seen.find(": connected") == std::string::npos) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      std::fprintf(stderr, "stream open failed: %s\n", seen.c_str());
      ::close(fd);
      return -1;
    }
    seen.append(buf, static_cast<std::size_t>(n));
  }
  return fd;
}

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct SseResult {
  std::vector<double> latencies_ms;
  std::size_t clients = 0;
};

SseResult run_sse(int port, bus::Bus& bus, api::SseTicketStore& tickets,
                  const api::Principal& who) {
  SseResult result;
  std::vector<int> fds;
  const auto opening = Clock::now();
  for (int i = 0; i < kSseClients; ++i) {
    const auto ticket = tickets.issue(who);
    if (!ticket) break;
    const int fd = open_stream(port, ticket->ticket);
    if (fd < 0) break;
    fds.push_back(fd);
  }
  result.clients = fds.size();
  std::fprintf(stderr, "opened %zu event streams in %.2f s\n", fds.size(),
               bench::seconds_since(opening));

  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }

  // The reader: one epoll loop over every client, recording receipt time per data frame.
  std::atomic<bool> done{false};
  std::atomic<std::size_t> received{0};
  std::vector<std::string> partial(fds.size());
  std::vector<double> latencies;
  latencies.reserve(fds.size() * kSseEvents);
  std::thread reader([&] {
    std::vector<epoll_event> events(256);
    char buf[65536];
    const std::string marker = "\"bench_t\":";
    while (!done.load()) {
      const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        const auto idx = events[e].data.u64;
        const auto got = ::recv(fds[idx], buf, sizeof buf, MSG_DONTWAIT);
        if (got <= 0) continue;
        const auto now = steady_ns();
        auto& text = partial[idx];
        text.append(buf, static_cast<std::size_t>(got));
        std::size_t end;
        while ((end = text.find("\n\n")) != std::string::npos) {
          const auto pos = text.find(marker);
          if (pos != std::string::npos && pos < end) {
            const auto sent = std::strtoll(text.c_str() + pos + marker.size(), nullptr, 10);
            latencies.push_back(static_cast<double>(now - sent) / 1e6);
            received.fetch_add(1, std::memory_order_relaxed);
          }
          text.erase(0, end + 2);
        }
      }
    }
  });

  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int i = 0; i < kSseEvents; ++i) {
    const auto next = Clock::now() + std::chrono::milliseconds(10);
    bus.publish("system.log", {{"bench_t", steady_ns()}, {"n", i}, {"msg", "bench event"}},
                "bench");
    std::this_thread::sleep_until(next);
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  const auto expected = fds.size() * kSseEvents;
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (received.load() >= expected) break;
  }
  done = true;
  reader.join();
  for (const int fd : fds) ::close(fd);
  ::close(ep);
  result.latencies_ms = std::move(latencies);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const auto dir =
      std::filesystem::temp_directory_path() / ("decnet-bench-api-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  bus::InProcessBus bus;
  auto repo = store::sqlite::open_sqlite_repository({.path = dir / "decnet.db"});
  load_attackers(*repo, quick ? 100'000 : 1'000'000);

  api::TokenService tokens(*repo, "bench-api-secret-0123456789abcdef-0123456789");
  api::LoginService logins(*repo, tokens, {.limiter_enabled = false});
  api::SseTicketStore tickets;
  // One bench user holds every stream; production allows 5 per user.
  api::StreamHub hub(bus, {.max_streams_per_user = kSseClients});
  api::MetricsRegistry metrics;
  api::ApiContext context{*repo, bus, tokens, logins, tickets, nullptr, &hub, nullptr, &metrics};
  api::Router router(&tokens);
  api::add_all_routes(router, context);

  api::HttpServer::Options options;
  options.port = 0;
  options.max_connections = kSseClients + 256;
  options.max_connections_per_address = kSseClients + 256;  // every client is 127.0.0.1
  api::HttpServer server(options, router, &metrics);
  server.start();
  const int port = server.port();

  const auto created = logins.create_user("bench-viewer", "bench-viewer-password-1",
                                          api::Role::kViewer, /*must_change_password=*/false);
  if (!created.ok() || !created.user) {
    std::fprintf(stderr, "cannot create the viewer: %s\n", created.message.c_str());
    return 1;
  }
  const auto token = tokens.issue(*created.user).token;

  // The same request without the network: what the route itself costs on one core, served
  // from the response cache (nothing committed in between) and built afresh (a commit before
  // every request, as under constant ingest; the commit is outside the timing).
  const auto time_handler = [&](int rounds, bool commit_between) {
    std::vector<double> us;
    std::size_t bytes = 0;
    for (int i = 0; i < rounds; ++i) {
      if (commit_between) {
        repo->write_now([&](store::WriteScope& w) { repo->state().put(w, "bench.tick", i); });
      }
      api::Request req;
      req.method = "GET";
      req.set_target("/api/v1/attackers?limit=50");
      req.peer_address = "127.0.0.1";
      req.headers["Authorization"] = "Bearer " + token;
      const auto start = Clock::now();
      const auto out = router.handle(req);
      us.push_back(bench::seconds_since(start) * 1e6);
      bytes = out.response.body.size();
    }
    std::fprintf(stderr, "in-process response: %zu bytes\n", bytes);
    return bench::percentile(us, 0.5);
  };
  bench::report("api_attackers_handler_p50", time_handler(2000, false), "us");
  bench::report("api_attackers_handler_uncached_p50", time_handler(300, true), "us");

  const auto wrk = run_wrk(port, token, "/api/v1/attackers?limit=50", quick ? 3 : 10);
  std::fprintf(stderr, "%s", wrk.raw.c_str());
  if (wrk.non_2xx > 0) std::fprintf(stderr, "warning: %lld non-2xx responses\n", wrk.non_2xx);
  bench::report("api_attackers_rps", wrk.rps, "req/s");
  bench::report("api_attackers_non_2xx", static_cast<double>(wrk.non_2xx), "responses");
  bench::report("api_attackers_p50", wrk.p50_ms, "ms");
  bench::report("api_attackers_p99", wrk.p99_ms, "ms");

  // The same load while something commits every 10 ms, as ingest does: each commit makes the
  // cached page stale, so this includes rebuilding it once per commit.
  {
    std::atomic<bool> stop{false};
    std::thread committer([&] {
      for (int i = 0; !stop.load(); ++i) {
        repo->write_now([&](store::WriteScope& w) { repo->state().put(w, "bench.tick", i); });
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    const auto live = run_wrk(port, token, "/api/v1/attackers?limit=50", quick ? 3 : 10);
    stop = true;
    committer.join();
    bench::report("api_attackers_rps_committing", live.rps, "req/s");
    bench::report("api_attackers_p99_committing", live.p99_ms, "ms");
  }

  // Reference: the smallest authenticated route (token check, role check, a 150-byte body), so
  // the HTTP server's own ceiling on this machine is known next to the attackers figure.
  const auto me = run_wrk(port, token, "/api/v1/auth/me", 3);
  bench::report("api_auth_me_rps", me.rps, "req/s");
  bench::report("api_auth_me_p99", me.p99_ms, "ms");

  // Tickets carry the principal of a real token: the stream checks it is still valid.
  const auto who = tokens.authenticate(token, nullptr).value();
  const auto sse = run_sse(port, bus, tickets, who);
  const auto expected = sse.clients * kSseEvents;
  std::fprintf(stderr, "sse: %zu clients, %zu of %zu frames received\n", sse.clients,
               sse.latencies_ms.size(), expected);
  bench::report("api_sse_clients", static_cast<double>(sse.clients), "streams");
  bench::report("api_sse_delivered", static_cast<double>(sse.latencies_ms.size()), "frames");
  bench::report("api_sse_delivery_p50", bench::percentile(sse.latencies_ms, 0.50), "ms");
  bench::report("api_sse_delivery_p99", bench::percentile(sse.latencies_ms, 0.99), "ms");

  server.stop();
  repo->close();
  bus.close();
  std::filesystem::remove_all(dir);
  return 0;
}
