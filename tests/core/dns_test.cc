// DNS through c-ares against servers on loopback: a silent server makes both kinds of lookup
// give up within the configured timeout instead of hanging a worker thread.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "core/dns.h"

namespace decnet::core {
namespace {

class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  std::string servers() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(Dns, SilentServerTimesOutBothWays) {
  SilentServer server;
  const DnsOptions options{server.servers(), std::chrono::milliseconds(300)};
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(reverse_lookup(*IpAddress::parse("93.184.216.34"), options));
  EXPECT_FALSE(reverse_lookup(*IpAddress::parse("2606:4700:4700::1111"), options));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  start = std::chrono::steady_clock::now();
  try {
    resolve_addresses("silent.test", options);
    ADD_FAILURE() << "resolved against a silent server";
  } catch (const DnsError& e) {
    EXPECT_NE(std::string(e.what()).find("within 300 ms"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Dns, BadServerListIsAClearError) {
  EXPECT_THROW(resolve_addresses("example.test", {"not a server list", std::chrono::seconds(1)}),
               DnsError);
}

}  // namespace
}  // namespace decnet::core
