#include "webhook/host_resolver.h"

#include <ares.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

struct Lookup {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<core::IpAddress> addresses;
};

void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  auto& lookup = *static_cast<Lookup*>(arg);
  lookup.done = true;
  lookup.status = status;
  if (status != ARES_SUCCESS || result == nullptr) {
    if (result) ares_freeaddrinfo(result);
    return;
  }
  for (auto* node = result->nodes; node; node = node->ai_next) {
    if (node->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(node->ai_addr);
      std::array<std::uint8_t, 4> bytes{};
      std::memcpy(bytes.data(), &sin->sin_addr, 4);
      lookup.addresses.push_back(core::IpAddress::from_v4_bytes(bytes));
    } else if (node->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
      std::array<std::uint8_t, 16> bytes{};
      std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
      lookup.addresses.push_back(core::IpAddress::from_v6_bytes(bytes));
    }
  }
  ares_freeaddrinfo(result);
}

class AresResolver final : public HostResolver {
 public:
  explicit AresResolver(DnsOptions options) : options_(std::move(options)) {
    static std::once_flag init;
    std::call_once(init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
  }

  std::vector<core::IpAddress> resolve(const std::string& host) override {
    // A channel per lookup: lookups are rare (one per delivery attempt chain) and a private
    // channel needs no locking between delivery threads.
    ares_options opts{};
    opts.timeout = static_cast<int>(options_.timeout.count());
    opts.tries = 1;
    ares_channel channel = nullptr;
    if (ares_init_options(&channel, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) {
      throw WebhookError("DNS resolver could not be initialised");
    }
    struct Closer {
      ares_channel c;
      ~Closer() { ares_destroy(c); }
    } closer{channel};
    if (!options_.servers.empty() &&
        ares_set_servers_ports_csv(channel, options_.servers.c_str()) != ARES_SUCCESS) {
      throw WebhookError("DECNET_DNS_SERVERS is not a list of ip[:port] entries");
    }
    Lookup lookup;
    ares_addrinfo_hints hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ares_getaddrinfo(channel, host.c_str(), nullptr, &hints, on_addrinfo, &lookup);
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    while (!lookup.done) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ares_cancel(channel);  // runs the callback with ARES_ECANCELLED
        if (!lookup.done) lookup.done = true;
        lookup.status = ARES_ETIMEOUT;
        break;
      }
      std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> socks{};
      const int bits = ares_getsock(channel, socks.data(), ARES_GETSOCK_MAXNUM);
      std::array<pollfd, ARES_GETSOCK_MAXNUM> fds{};
      nfds_t count = 0;
      for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
        const bool r = ARES_GETSOCK_READABLE(bits, i);
        const bool w = ARES_GETSOCK_WRITABLE(bits, i);
        if (!r && !w) continue;
        fds[count].fd = socks[i];
        fds[count].events = static_cast<short>((r ? POLLIN : 0) | (w ? POLLOUT : 0));
        ++count;
      }
      timeval tv{};
      timeval max{left.count() / 1000, static_cast<suseconds_t>((left.count() % 1000) * 1000)};
      const auto* next = ares_timeout(channel, &max, &tv);
      const int wait_ms = static_cast<int>(next->tv_sec * 1000 + next->tv_usec / 1000) + 1;
      const int ready = ::poll(fds.data(), count, wait_ms);
      if (ready <= 0) {
        ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
        continue;
      }
      for (nfds_t i = 0; i < count; ++i) {
        const bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
        const bool writable = fds[i].revents & POLLOUT;
        ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD,
                        writable ? fds[i].fd : ARES_SOCKET_BAD);
      }
    }
    if (lookup.status == ARES_ETIMEOUT || lookup.status == ARES_ECANCELLED) {
      throw WebhookError("URL host '" + host + "' did not resolve within " +
                         std::to_string(options_.timeout.count()) + " ms");
    }
    if (lookup.status != ARES_SUCCESS) {
      throw WebhookError("URL host '" + host + "' did not resolve (" +
                         ares_strerror(lookup.status) + ")");
    }
    auto& out = lookup.addresses;
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    if (out.empty()) throw WebhookError("URL host '" + host + "' resolved to nothing");
    return out;
  }

 private:
  const DnsOptions options_;
};

}  // namespace

std::unique_ptr<HostResolver> make_dns_resolver(DnsOptions options) {
  return std::make_unique<AresResolver>(std::move(options));
}

}  // namespace decnet::webhook
