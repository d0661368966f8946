#include "core/dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace decnet::core {
namespace {

struct Lookup {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<IpAddress> addresses;
  std::optional<std::string> name;
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
      lookup.addresses.push_back(IpAddress::from_v4_bytes(bytes));
    } else if (node->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(node->ai_addr);
      std::array<std::uint8_t, 16> bytes{};
      std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
      lookup.addresses.push_back(IpAddress::from_v6_bytes(bytes));
    }
  }
  ares_freeaddrinfo(result);
}

void on_host(void* arg, int status, int /*timeouts*/, hostent* host) {
  auto& lookup = *static_cast<Lookup*>(arg);
  lookup.done = true;
  lookup.status = status;
  if (status == ARES_SUCCESS && host && host->h_name && *host->h_name) {
    lookup.name = std::string(host->h_name);
  }
}

// A channel per lookup: lookups are rare next to the work around them, and a private channel
// needs no locking between threads.
class Channel {
 public:
  explicit Channel(const DnsOptions& options) : timeout_(options.timeout) {
    static std::once_flag init;
    std::call_once(init, [] { ares_library_init(ARES_LIB_INIT_ALL); });
    ares_options opts{};
    opts.timeout = static_cast<int>(options.timeout.count());
    opts.tries = 1;
    if (ares_init_options(&channel_, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS) {
      throw DnsError("DNS resolver could not be initialised");
    }
    if (!options.servers.empty() &&
        ares_set_servers_ports_csv(channel_, options.servers.c_str()) != ARES_SUCCESS) {
      ares_destroy(channel_);
      throw DnsError("DECNET_DNS_SERVERS is not a list of ip[:port] entries");
    }
  }
  ~Channel() { ares_destroy(channel_); }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ares_channel get() const { return channel_; }

  // Drives the channel until `lookup` completes or the timeout passes (then ARES_ETIMEOUT).
  void run(Lookup& lookup) {
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    while (!lookup.done) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ares_cancel(channel_);  // runs the callback with ARES_ECANCELLED
        lookup.done = true;
        lookup.status = ARES_ETIMEOUT;
        return;
      }
      std::array<ares_socket_t, ARES_GETSOCK_MAXNUM> socks{};
      const int bits = ares_getsock(channel_, socks.data(), ARES_GETSOCK_MAXNUM);
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
      const auto* next = ares_timeout(channel_, &max, &tv);
      const int wait_ms = static_cast<int>(next->tv_sec * 1000 + next->tv_usec / 1000) + 1;
      if (::poll(fds.data(), count, wait_ms) <= 0) {
        ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
        continue;
      }
      for (nfds_t i = 0; i < count; ++i) {
        const bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
        const bool writable = fds[i].revents & POLLOUT;
        ares_process_fd(channel_, readable ? fds[i].fd : ARES_SOCKET_BAD,
                        writable ? fds[i].fd : ARES_SOCKET_BAD);
      }
    }
  }

 private:
  ares_channel channel_ = nullptr;
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::vector<IpAddress> resolve_addresses(const std::string& host, const DnsOptions& options) {
  Channel channel(options);
  Lookup lookup;
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(channel.get(), host.c_str(), nullptr, &hints, on_addrinfo, &lookup);
  channel.run(lookup);
  if (lookup.status == ARES_ETIMEOUT || lookup.status == ARES_ECANCELLED) {
    throw DnsError("host '" + host + "' did not resolve within " +
                   std::to_string(options.timeout.count()) + " ms");
  }
  if (lookup.status != ARES_SUCCESS) {
    throw DnsError("host '" + host + "' did not resolve (" + ares_strerror(lookup.status) + ")");
  }
  auto& out = lookup.addresses;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) throw DnsError("host '" + host + "' resolved to nothing");
  return out;
}

std::optional<std::string> reverse_lookup(const IpAddress& address, const DnsOptions& options) {
  const auto ip = address.unmapped();
  Channel channel(options);
  Lookup lookup;
  if (ip.is_v4()) {
    in_addr a{};
    a.s_addr = htonl(ip.v4_value());
    ares_gethostbyaddr(channel.get(), &a, sizeof a, AF_INET, on_host, &lookup);
  } else {
    in6_addr a{};
    std::memcpy(&a, ip.bytes().data(), 16);
    ares_gethostbyaddr(channel.get(), &a, sizeof a, AF_INET6, on_host, &lookup);
  }
  channel.run(lookup);
  if (lookup.status != ARES_SUCCESS) return std::nullopt;
  return lookup.name;
}

}  // namespace decnet::core
