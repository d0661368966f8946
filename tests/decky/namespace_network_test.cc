// The fleet's network made for real on this host: a bridge with the gateway address, two deckies
// in namespaces of their own with their addresses and MACs, reached from the host over TCP and
// reaching the host in turn; a name already taken refused without harming the decky that has
// it; and taking down leaving no namespace, veth or bridge behind.
#include "decky/fleet/namespace_network.h"

#include <gtest/gtest.h>

#include <random>

#include "tests_support.h"

namespace decnet::decky {
namespace {

using testing::ChildProcess;
using testing::run_command;
using testing::wait_until;

class NamespaceNetworkTest : public ::testing::Test {
 protected:
  std::string tag_ = [] {
    std::mt19937 rng{std::random_device{}()};
    return std::to_string(rng() % 900000 + 100000);
  }();
  int octet_ = static_cast<int>(std::stoi(tag_) % 200 + 20);
  std::string net_ = "10.231." + std::to_string(octet_) + ".";
  NamespaceNetwork network_{"dnt" + tag_};
  std::string a_ = "nt" + tag_ + "-a", b_ = "nt" + tag_ + "-b";

  void TearDown() override {
    network_.remove_decky(a_);
    network_.remove_decky(b_);
    network_.remove_bridge_if_empty();
  }
  static bool has_link(const std::string& name) {
    return run_command({"ip", "link", "show", "dev", name}).status == 0;
  }
  static bool has_namespace(const std::string& decky) {
    const auto all = NamespaceNetwork::deckies();
    return std::find(all.begin(), all.end(), decky) != all.end();
  }
  // An HTTP server on `ip`:`port`, in the namespace when `ns` is given.
  static std::unique_ptr<ChildProcess> http_server(const std::string& ns, const std::string& ip,
                                                   int port) {
    std::vector<std::string> argv;
    if (!ns.empty()) argv = {"ip", "netns", "exec", ns};
    argv.insert(argv.end(),
                {"/usr/bin/python3", "-m", "http.server", "--bind", ip, std::to_string(port)});
    return std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{});
  }
};

TEST_F(NamespaceNetworkTest, DeckiesGetNamespacesReachableFromTheHostAndBack) {
  network_.ensure_bridge(net_ + "1", 24);
  network_.add_decky(a_, net_ + "10", 24, net_ + "1");
  network_.add_decky(b_, net_ + "11", 24, net_ + "1");
  EXPECT_TRUE(has_namespace(a_) && has_namespace(b_));
  const auto addr = run_command(
      {"ip", "-n", NamespaceNetwork::namespace_of(a_), "-o", "link", "show", "dev", "eth0"});
  EXPECT_NE(addr.output.find(NamespaceNetwork::mac_of(a_)), std::string::npos) << addr.output;
  const auto ips = run_command(
      {"ip", "-n", NamespaceNetwork::namespace_of(b_), "-o", "addr", "show", "dev", "eth0"});
  EXPECT_NE(ips.output.find(net_ + "11/24"), std::string::npos) << ips.output;

  // Host to decky: a server inside a's namespace answers curl on the host.
  const auto inside = http_server(NamespaceNetwork::namespace_of(a_), net_ + "10", 18080);
  const auto url = "http://" + net_ + "10:18080/";
  EXPECT_TRUE(wait_until(
      [&] {
        return run_command({"curl", "-sf", "--max-time", "2", url}).status == 0;
      },
      std::chrono::seconds(15)));
  // Decky to host: curl inside b's namespace reaches a server on the gateway address.
  const auto outside = http_server("", net_ + "1", 18081);
  EXPECT_TRUE(wait_until(
      [&] {
        return run_command({"ip", "netns", "exec", NamespaceNetwork::namespace_of(b_), "curl",
                            "-sf", "--max-time", "2", "http://" + net_ + "1:18081/"})
                   .status == 0;
      },
      std::chrono::seconds(15)));
}

TEST_F(NamespaceNetworkTest, ATakenNameIsRefusedAndTakingDownLeavesNothing) {
  network_.ensure_bridge(net_ + "1", 24);
  network_.add_decky(a_, net_ + "10", 24, net_ + "1");
  try {
    network_.add_decky(a_, net_ + "12", 24, net_ + "1");
    ADD_FAILURE() << "a second decky of the same name was made";
  } catch (const FleetError& e) {
    EXPECT_NE(std::string(e.what()).find("ip netns add"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(has_namespace(a_)) << "the decky that had the name is untouched";
  EXPECT_TRUE(has_link(NamespaceNetwork::host_veth_of(a_)));
  EXPECT_FALSE(network_.remove_bridge_if_empty()) << "a decky is still plugged in";

  network_.remove_decky(a_);
  network_.remove_decky(a_);  // again: nothing left to remove is not an error
  EXPECT_FALSE(has_namespace(a_));
  EXPECT_FALSE(has_link(NamespaceNetwork::host_veth_of(a_)));
  EXPECT_TRUE(network_.remove_bridge_if_empty());
  EXPECT_FALSE(has_link(network_.bridge()));
}

TEST(NamespaceNetworkNames, AreDerivedFromTheDeckyAndFitLinux) {
  EXPECT_EQ(NamespaceNetwork::namespace_of("web-01"), "decnet-web-01");
  const auto veth = NamespaceNetwork::host_veth_of(std::string(61, 'x'));
  EXPECT_LE(veth.size(), 15u);
  EXPECT_EQ(veth, NamespaceNetwork::host_veth_of(std::string(61, 'x')));
  EXPECT_NE(veth, NamespaceNetwork::host_veth_of("web-01"));
  const auto mac = NamespaceNetwork::mac_of("web-01");
  EXPECT_EQ(mac.size(), 17u);
  EXPECT_EQ(mac.substr(0, 3), "02:") << "locally administered, unicast";
  EXPECT_THROW(NamespaceNetwork("a-bridge-name-too-long"), FleetError);
}

}  // namespace
}  // namespace decnet::decky
