// A decky in this process on loopback, its uplink pointed at a port where nothing listens so
// every line stays in its outbox, where the test reads it. What a decky facing the internet
// must hold to: connection caps per source, idle and lifetime limits (a silent or slow peer
// cannot keep a socket), overlong lines cut without losing the connection, an input cap, and
// HTTP headers over the limit refused with 400.
#include "decky/decky_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <thread>

#include "decky/service_registry.h"
#include "serve_support.h"
#include "tests_support.h"

namespace decnet::decky {
namespace {

using decnet::testing::TcpClient;
using decnet::testing::TempDir;
using decnet::testing::wait_until;

// Reads and discards until the peer closes (true) or `within` passes (false).
bool closed_within(TcpClient& c, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const auto n = ::recv(c.fd(), buffer, sizeof buffer, 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
  }
  return false;
}

class DeckyServerTest : public ::testing::Test {
 protected:
  void start(std::function<void(DeckyConfig&)> adjust = {}) {
    DeckyConfig c;
    c.name = "decky-test";
    c.services = {{"ftp", {0}, validate_service_settings(*find_service("ftp"), {})},
                  {"http", {0}, validate_service_settings(*find_service("http"), {})}};
    c.uplink.transport = UplinkTransport::kTcp;
    c.uplink.port = static_cast<std::uint16_t>(decnet::testing::free_port());
    c.outbox_dir = dir_ / "outbox";
    c.max_connections_per_source = 3;
    c.session.idle_timeout = std::chrono::seconds(1);
    if (adjust) adjust(c);
    server_ = std::make_unique<DeckyServer>(std::move(c));
    for (const auto& [service, port] : server_->bound_ports()) ports_[service] = port;
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  // Every line in the outbox so far.
  std::string outbox() {
    std::string all;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "outbox")) {
      if (e.path().extension() != ".log") continue;
      std::ifstream in(e.path());
      all += std::string(std::istreambuf_iterator<char>(in), {});
    }
    return all;
  }
  bool emitted(const std::string& text) {
    return wait_until([&] { return outbox().find(text) != std::string::npos; },
                      std::chrono::seconds(10));
  }

  TempDir dir_;
  std::unique_ptr<DeckyServer> server_;
  std::thread thread_;
  std::map<std::string, int> ports_;
};

TEST_F(DeckyServerTest, OneSourceHoldsNoMoreThanItsShareOfConnections) {
  start();
  std::vector<std::unique_ptr<TcpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<TcpClient>(ports_["ftp"]));
    ASSERT_TRUE(held.back()->connected());
  }
  ASSERT_TRUE(wait_until(
      [&] {
        const auto all = outbox();
        std::size_t n = 0;
        for (auto at = all.find("ftp - connection"); at != std::string::npos;
             at = all.find("ftp - connection", at + 1)) {
          ++n;
        }
        return n == 3;
      },
      std::chrono::seconds(10)));
  TcpClient fourth(ports_["ftp"], "127.0.0.1", std::chrono::seconds(3));
  EXPECT_TRUE(closed_within(fourth, std::chrono::seconds(3)));
  // Another address is not held back by the first one's connections.
  TcpClient other(ports_["ftp"], "127.0.0.2", std::chrono::seconds(3));
  ASSERT_TRUE(other.connected());
  EXPECT_TRUE(wait_until([&] { return other.receive_all().find("220") != std::string::npos; },
                         std::chrono::seconds(5)));
  // A connection that ends gives its place back.
  held.pop_back();
  EXPECT_TRUE(wait_until(
      [&] {
        TcpClient again(ports_["ftp"], "127.0.0.1", std::chrono::milliseconds(300));
        return again.send("QUIT\r\n") && again.receive_all().find("221") != std::string::npos;
      },
      std::chrono::seconds(10)));
}

TEST_F(DeckyServerTest, ASilentPeerIsDisconnectedAfterTheIdleTimeout) {
  start();
  TcpClient silent(ports_["ftp"], "127.0.0.1", std::chrono::seconds(5));
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(closed_within(silent, std::chrono::seconds(5)));
  EXPECT_TRUE(emitted("ftp - disconnect"));
}

TEST_F(DeckyServerTest, AChattyPeerIsDisconnectedAtTheEndOfItsLifetime) {
  start([](DeckyConfig& c) {
    c.session.idle_timeout = std::chrono::seconds(5);
    c.session.max_lifetime = std::chrono::seconds(1);
  });
  TcpClient chatty(ports_["ftp"], "127.0.0.1", std::chrono::milliseconds(200));
  ASSERT_TRUE(chatty.connected());
  // A command every 100 ms keeps it from ever being idle; its lifetime still ends it.
  const auto started = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() < started + std::chrono::seconds(10)) {
    closed = !chatty.send("NOOP\r\n") || closed_within(chatty, std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(closed);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
}

TEST_F(DeckyServerTest, AnOverlongLineIsCutAndTheConversationGoesOn) {
  start();
  TcpClient c(ports_["ftp"], "127.0.0.1", std::chrono::milliseconds(500));
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("USER " + std::string(100'000, 'A') + "\r\n"));
  ASSERT_TRUE(c.send("PASS short\r\nQUIT\r\n"));
  EXPECT_TRUE(emitted("secret_printable=\"short\""));
  const auto all = outbox();
  const auto user = all.find("ftp - user");
  ASSERT_NE(user, std::string::npos);
  const auto end = all.find('\n', user);
  EXPECT_LT(end - user, 9000u);  // the name was cut at the line limit
}

TEST_F(DeckyServerTest, InputBeyondTheCapEndsTheConnection) {
  start([](DeckyConfig& c) { c.session.max_bytes_in = 4096; });
  TcpClient c(ports_["ftp"], "127.0.0.1", std::chrono::seconds(5));
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 100; ++i) {
    if (!c.send("NOOP\r\n" + std::string(100, ' ') + "\r\n")) break;
  }
  EXPECT_TRUE(closed_within(c, std::chrono::seconds(5)));
}

TEST_F(DeckyServerTest, HttpLinesPlaceTheAddressLikeTheReferenceAndRefuseHugeHeaders) {
  start();
  {
    TcpClient c(ports_["http"], "127.0.0.1", std::chrono::seconds(3));
    ASSERT_TRUE(c.send("GET /wp-login.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    EXPECT_NE(c.receive_all().find("200 OK"), std::string::npos);
  }
  ASSERT_TRUE(
      emitted("http - request [relay@55555 method=\"GET\" path=\"/wp-login.php\" "
              "remote_addr=\"127.0.0.1\" src_port=\""));
  TcpClient big(ports_["http"], "127.0.0.1", std::chrono::seconds(3));
  ASSERT_TRUE(big.send("GET / HTTP/1.1\r\nX-Big: " + std::string(20'000, 'b') + "\r\n\r\n"));
  EXPECT_NE(big.receive_all().find("400 Bad Request"), std::string::npos);
  EXPECT_TRUE(emitted("http - bad_request"));
}

}  // namespace
}  // namespace decnet::decky
