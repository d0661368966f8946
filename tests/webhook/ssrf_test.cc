// The SSRF guard: which addresses are refused (including the kinds the reference let through:
// CGNAT, IPv4-mapped and site-local IPv6), and names resolved by a real DNS server (dnsmasq on
// loopback, started by the test) that point at private addresses.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests_support.h"
#include "webhook/ssrf_guard.h"
#include "webhook/webhook_error.h"

namespace decnet::webhook {
namespace {

using namespace decnet::testing;

core::IpAddress ip(const char* text) {
  return *core::IpAddress::parse(text);
}

TEST(SsrfGuard, RefusesEveryNonPublicKind) {
  for (const char* text : {"127.0.0.1",
                           "10.0.0.1",
                           "172.16.5.4",
                           "192.168.1.1",
                           "169.254.169.254",
                           "100.64.0.1",
                           "100.127.255.254",
                           "0.0.0.0",
                           "224.0.0.1",
                           "239.255.255.250",
                           "240.0.0.1",
                           "255.255.255.255",
                           "192.0.2.1",
                           "198.18.0.1",
                           "192.0.0.8",
                           "::1",
                           "::",
                           "fe80::1",
                           "fc00::1",
                           "fd12:3456::1",
                           "fec0::1",
                           "ff02::1",
                           "2001:db8::1",
                           "64:ff9b::808:808",
                           "2002:c000:204::1",
                           "2001::1",
                           "::ffff:127.0.0.1",
                           "::ffff:8.8.8.8",
                           "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(forbidden_reason(ip(text))) << text;
  }
  for (const char* text : {"8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450::1"}) {
    EXPECT_FALSE(forbidden_reason(ip(text))) << text;
  }
}

// A resolver that must not be asked: literal addresses never go to DNS.
class NoResolver final : public HostResolver {
 public:
  std::vector<core::IpAddress> resolve(const std::string& host) override {
    throw WebhookError("unexpected lookup of " + host);
  }
};

TEST(SsrfGuard, ChecksLiteralsAndSpellingsWithoutDns) {
  NoResolver none;
  SsrfGuard guard(none, false);
  for (const char* url : {"http://127.0.0.1/", "http://[::1]/", "http://[::ffff:7f00:1]/",
                          "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/",
                          "http://100.64.1.1/", "http://[fec0::1]/", "http://2130706433/",
                          "http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://[::7f00:1]/"}) {
    EXPECT_THROW(guard.check(url), WebhookError) << url;
  }
  EXPECT_EQ(guard.check("https://93.184.216.34/hook").addresses.front(), ip("93.184.216.34"));
  SsrfGuard lab(none, true);
  EXPECT_EQ(lab.check("http://127.0.0.1:9000/").addresses.front(), ip("127.0.0.1"));
  EXPECT_THROW(lab.check("http://2130706433/"), WebhookError);  // URL rules still apply
}

class LocalDns : public ::testing::Test {
 protected:
  // dnsmasq binds the port for both UDP and TCP; a parallel test can take it between our probe
  // and its bind, so a start that dies is retried on another port.
  void SetUp() override {
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port(true);
      dnsmasq_ = std::make_unique<ChildProcess>(std::vector<std::string>{
          "/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null",
          "--port=" + std::to_string(port_), "--listen-address=127.0.0.1", "--bind-interfaces",
          "--no-resolv", "--no-hosts", "--pid-file=", "--user=" + std::string(getlogin_or_root()),
          "--host-record=private.test,10.1.2.3", "--host-record=public.test,93.184.216.34",
          "--host-record=mixed.test,93.184.216.34,::1", "--host-record=meta.test,169.254.169.254"});
      resolver_ = make_dns_resolver({.servers = "127.0.0.1:" + std::to_string(port_),
                                     .timeout = std::chrono::milliseconds(5000)});
      bool answered = false;
      wait_until([&] {
        try {
          answered = !resolver_->resolve("public.test").empty();
        } catch (const WebhookError&) {
          answered = false;
        }
        return answered || !dnsmasq_->running();
      });
      if (answered) return;
      if (dnsmasq_->running()) break;
    }
    FAIL() << "dnsmasq did not answer: " << dnsmasq_->output();
  }
  static const char* getlogin_or_root() {
    const char* user = std::getenv("USER");
    return user && *user ? user : "root";
  }
  int port_ = 0;
  std::unique_ptr<ChildProcess> dnsmasq_;
  std::unique_ptr<HostResolver> resolver_;
};

TEST_F(LocalDns, NamesPointingInwardAreRefused) {
  SsrfGuard guard(*resolver_, false);
  const auto ok = guard.check("https://public.test/hook");
  ASSERT_EQ(ok.addresses.size(), 1u);
  EXPECT_EQ(ok.addresses.front(), ip("93.184.216.34"));
  for (const char* url : {"https://private.test/", "https://meta.test/", "https://mixed.test/"}) {
    try {
      guard.check(url);
      ADD_FAILURE() << url << " was allowed";
    } catch (const WebhookError& e) {
      EXPECT_NE(std::string(e.what()).find("forbidden address"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(guard.check("https://missing.test/"), WebhookError);
  SsrfGuard lab(*resolver_, true);
  EXPECT_EQ(lab.check("https://private.test/").addresses.front(), ip("10.1.2.3"));
}

TEST(HostResolver, ASilentServerTimesOutWithinTheBound) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  auto resolver = make_dns_resolver({.servers = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port)),
                                     .timeout = std::chrono::milliseconds(300)});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(resolver->resolve("silent.test"), WebhookError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  ::close(fd);
}

}  // namespace
}  // namespace decnet::webhook
