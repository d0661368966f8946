// A running decky changed live through the API: a service added answers on its port while a
// connection already open to another service carries on undisturbed (same process, nothing
// restarted), settings saved and then applied, a service removed; the reference's 400 / 404 /
// 409 / 422 for the requests that cannot be carried out; the schema the config form is built
// from; the decky's heartbeat with its per-service counters; and every change heard by a SIEM
// subscribed to decky.>.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "decky/fleet/namespace_network.h"
#include "serve_support.h"
#include "tests_support.h"
#include "webhook_receiver.h"

namespace decnet::fleet {
namespace {

using namespace decnet::testing;

// A plain TCP connection to a decky over the fleet network.
class FleetConnection {
 public:
  FleetConnection(const std::string& ip, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~FleetConnection() { ::close(fd_); }
  FleetConnection(const FleetConnection&) = delete;
  FleetConnection& operator=(const FleetConnection&) = delete;

  bool connected() const { return connected_; }
  // The first bytes the service sends (a banner), waiting up to 10 s for them.
  std::string first_bytes() {
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buffer[512];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
  std::string exchange(const std::string& request) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) < 0) return "";
    std::string out;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::recv(fd_, buffer, sizeof buffer, 0)) > 0) out.append(buffer, n);
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class FleetServices : public ::testing::Test {
 protected:
  std::string tag_ = [] {
    std::mt19937 rng{std::random_device{}()};
    return std::to_string(rng() % 900000 + 100000);
  }();
  std::string net_ = "10.235." + std::to_string(std::stoi(tag_) % 200 + 20) + ".";
  std::string bridge_ = "dns" + tag_;
  std::string name_ = "live" + tag_;
  std::string ip_ = net_ + "40";

  void TearDown() override {
    const decky::NamespaceNetwork network(bridge_);
    network.remove_decky(name_);
    network.remove_bridge_if_empty();
  }
  std::string server_header() const {
    const auto r = run_command({"curl", "-s", "-I", "--max-time", "5", "http://" + ip_ + "/"});
    const auto at = r.output.find("Server: ");
    return at == std::string::npos ? "" : r.output.substr(at + 8, r.output.find('\r', at) - at - 8);
  }
};

TEST_F(FleetServices, ServicesAreAddedConfiguredAndRemovedOnARunningDecky) {
  decky::NamespaceNetwork(bridge_).ensure_bridge(net_ + "1", 24);
  ServeProcess serve({{"DECNET_FLEET_BRIDGE", bridge_}, {"DECNET_WEBHOOK_ALLOW_PRIVATE", "true"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto path = "/api/v1/deckies/" + name_;
  const std::string ini = "[general]\nnet = " + net_ + "0/24\ngw = " + net_ + "1\n[" + name_ +
                          "]\nservices = http\nip = " + ip_ + "\n";
  const auto deployed =
      serve.api("POST", "/api/v1/deckies/deploy", nlohmann::json{{"ini_content", ini}}.dump());
  ASSERT_EQ(deployed.status, 201) << deployed.raw;
  const auto pid = [&] {
    return sqlite_int(serve.db(), "SELECT json_extract(decky_config, '$.pid') FROM fleet_deckies")
        .value_or(0);
  };
  const auto first_pid = pid();
  const auto before = server_header();
  EXPECT_EQ(before.rfind("Apache", 0), 0u) << before;

  // A SIEM subscribed to decky.> hears every change: the state after it and what changed.
  WebhookReceiver siem;
  const auto hook = serve.api(
      "POST", "/api/v1/webhooks",
      nlohmann::json{{"name", "fleet"}, {"url", siem.url()}, {"topic_patterns", {"decky.>"}}}
          .dump());
  ASSERT_EQ(hook.status, 201) << hook.raw;
  const auto count_heard = [&](const std::string& topic, const std::string& text) {
    int n = 0;
    for (const auto& r : siem.requests()) {
      const auto t = r.headers.find("x-decnet-event-topic");
      if (t != r.headers.end() && t->second == topic && r.body.find(text) != std::string::npos) {
        ++n;
      }
    }
    return n;
  };
  const auto heard = [&](const std::string& topic, const std::string& text) {
    return count_heard(topic, text) > 0;
  };
  // The webhook worker takes a new subscription on its announcement: change until it hears.
  ASSERT_TRUE(wait_until([&] {
    serve.api("PUT", path + "/services/http/config", R"({"config": {}})");
    return heard("decky." + name_ + ".service_config_changed", name_);
  })) << serve.output();

  const int states_before = count_heard("decky." + name_ + ".state", "\"running\"");

  // A connection open before the change is served after it: http was not restarted.
  FleetConnection open(ip_, 80);
  ASSERT_TRUE(open.connected());
  const auto added = serve.api("POST", path + "/services",
                               R"({"name": "ssh", "config": {"password": "hunter22"}})");
  ASSERT_EQ(added.status, 201) << added.raw << serve.output();
  EXPECT_EQ(added.body["services"], nlohmann::json::array({"http", "ssh"}));
  const auto banner = run_command({"ssh-keyscan", "-T", "5", ip_});
  EXPECT_NE(banner.output.find("SSH-2.0-OpenSSH"), std::string::npos) << banner.output;
  EXPECT_NE(open.exchange("GET / HTTP/1.0\r\nHost: x\r\n\r\n").find("HTTP/1.1 200"),
            std::string::npos);
  EXPECT_EQ(pid(), first_pid);
  EXPECT_TRUE(wait_until([&] {
    return heard("decky." + name_ + ".service_added", "\"ssh\"") &&
           count_heard("decky." + name_ + ".state", "\"running\"") > states_before;
  })) << serve.output();
  EXPECT_EQ(sqlite_int(serve.db(),
                       "SELECT count(*) FROM decky_services WHERE service_name = "
                       "'ssh'"),
            1);

  // What cannot be done, as the reference answers it.
  EXPECT_EQ(serve.api("POST", path + "/services", R"({"name": "ssh"})").status, 409);
  EXPECT_EQ(serve.api("POST", path + "/services", R"({"name": "gopher"})").status, 422);
  EXPECT_EQ(serve.api("POST", "/api/v1/deckies/nosuch/services", R"({"name": "ftp"})").status, 404);
  const auto bad =
      serve.api("POST", path + "/services", R"({"name": "ftp", "config": {"nonsense": "x"}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["detail"].get<std::string>().find("ftp.nonsense"), std::string::npos);
  EXPECT_EQ(serve
                .api("POST", path + "/services/ssh/apply",
                     R"({"config": {"user": "x", "password": "y", "nope": 1}})")
                .status,
            400);

  // Saved settings wait for the next restart; applied ones restart the service with them.
  const auto saved = serve.api("PUT", path + "/services/http/config",
                               R"({"config": {"server_header": "nginx/1.18.0"}})");
  ASSERT_EQ(saved.status, 200) << saved.raw;
  EXPECT_EQ(saved.body["recreated"], false);
  EXPECT_EQ(server_header(), before);
  const auto applied = serve.api("POST", path + "/services/http/apply",
                                 R"({"config": {"server_header": "nginx/1.18.0"}})");
  ASSERT_EQ(applied.status, 201) << applied.raw;
  EXPECT_EQ(applied.body["recreated"], true);
  EXPECT_EQ(server_header(), "nginx/1.18.0");
  const auto secret =
      serve.api("PUT", path + "/services/ssh/config", R"({"config": {"password": "an0ther"}})");
  EXPECT_EQ(secret.body["config"]["password"], "********") << secret.raw;
  // Sent back masked, a secret keeps its value; a key not sent keeps its own.
  const auto merged = serve.api("PUT", path + "/services/ssh/config",
                                R"({"config": {"user": "deploy", "password": "********"}})");
  ASSERT_EQ(merged.status, 200) << merged.raw;
  const auto stored = [&](const std::string& key) {
    return sqlite_value(serve.db(), "SELECT json_extract(config, '$." + key +
                                        "') FROM decky_services WHERE service_name = 'ssh'")
        .value_or("");
  };
  EXPECT_EQ(stored("password"), "an0ther");
  EXPECT_EQ(stored("user"), "deploy");
  EXPECT_EQ(serve.api("PUT", path + "/services/ftp/config", R"({"config": {}})").status, 409);

  // The heartbeat (every few seconds) counts each service's connections since it started.
  CurlReply one;
  EXPECT_TRUE(wait_until(
      [&] {
        one = serve.api("GET", path);
        const auto& http = one.body["heartbeat"]["services"]["http"];
        return http.is_object() && http["accepted"].get<int>() >= 1;
      },
      std::chrono::seconds(20)))
      << one.raw;
  EXPECT_EQ(one.body["heartbeat"]["services"]["ssh"]["ports"], nlohmann::json::array({22}));

  const auto removed = serve.api("DELETE", path + "/services/ssh");
  ASSERT_EQ(removed.status, 200) << removed.raw;
  EXPECT_EQ(removed.body["services"], nlohmann::json::array({"http"}));
  EXPECT_EQ(run_command({"ssh-keyscan", "-T", "3", ip_}).output.find("SSH-2.0"), std::string::npos);
  EXPECT_EQ(serve.api("DELETE", path + "/services/ssh").status, 409);
  EXPECT_EQ(serve.api("DELETE", path + "/services/http").status, 409) << "the last service";
  EXPECT_EQ(pid(), first_pid);

  const auto schema = serve.api("GET", "/api/v1/topologies/services/ssh/schema");
  ASSERT_EQ(schema.status, 200);
  bool password_secret = false;
  for (const auto& f : schema.body["fields"]) {
    if (f["key"] == "password") password_secret = f["secret"].get<bool>();
  }
  EXPECT_TRUE(password_secret) << schema.raw;
  EXPECT_EQ(serve.api("GET", "/api/v1/topologies/services/gopher/schema").status, 404);
  EXPECT_EQ(serve.api("DELETE", path).status, 204);
}

// A tarpit on the ftp port: its banner comes only after the delay, the http port beside it is
// not slowed, the held connection is listed, the master records tarpit_enter and tarpit_exit
// with how long the attacker was held, and removing the rule frees new connections.
TEST_F(FleetServices, ATarpitHoldsThePortsItNamesAndIsReported) {
  decky::NamespaceNetwork(bridge_).ensure_bridge(net_ + "1", 24);
  const int relp_port = free_port();
  ServeProcess serve({{"DECNET_FLEET_BRIDGE", bridge_},
                      {"DECNET_SYSLOG_RELP_ENABLED", "true"},
                      {"DECNET_SYSLOG_RELP_HOST", net_ + "1"},
                      {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto path = "/api/v1/deckies/" + name_;
  const std::string ini = "[general]\nnet = " + net_ + "0/24\ngw = " + net_ + "1\n[" + name_ +
                          "]\nservices = ftp, http\nip = " + ip_ + "\n";
  ASSERT_EQ(serve.api("POST", "/api/v1/deckies/deploy", nlohmann::json{{"ini_content", ini}}.dump())
                .status,
            201);
  EXPECT_EQ(serve.api("GET", path + "/tarpit").status, 404);
  EXPECT_EQ(serve.api("POST", path + "/tarpit", R"({"ports": [21], "delay_ms": 50})").status, 422);
  EXPECT_EQ(
      serve.api("POST", path + "/tarpit", R"({"ports": [21], "delay_ms": 500, "x": 1})").status,
      422);
  EXPECT_EQ(
      serve.api("POST", "/api/v1/deckies/nosuch/tarpit", R"({"ports": [21], "delay_ms": 500})")
          .status,
      404);
  const auto set = serve.api("POST", path + "/tarpit", R"({"ports": [21], "delay_ms": 3000})");
  ASSERT_EQ(set.status, 201) << set.raw;
  EXPECT_EQ(set.body["message"], "tarpit active");

  const auto banner_after = [&](int port) {
    FleetConnection c(ip_, port);
    const auto started = std::chrono::steady_clock::now();
    const auto banner = c.first_bytes();
    return std::make_pair(banner, std::chrono::steady_clock::now() - started);
  };
  {
    FleetConnection held(ip_, 21);
    ASSERT_TRUE(held.connected());
    const auto [banner, waited] = banner_after(21);
    EXPECT_EQ(banner.rfind("220", 0), 0u) << banner;
    EXPECT_GE(waited, std::chrono::milliseconds(3000));
    CurlReply rule;
    EXPECT_TRUE(wait_until(
        [&] {
          rule = serve.api("GET", path + "/tarpit");
          return rule.status == 200 && !rule.body["active_connections"].empty();
        },
        std::chrono::seconds(20)))
        << rule.raw;
    EXPECT_EQ(rule.body["rule"]["ports"], nlohmann::json::array({21}));
    EXPECT_EQ(rule.body["rule"]["delay_ms"], 3000);
    EXPECT_EQ(rule.body["active_connections"][0]["ip"], net_ + "1");
    EXPECT_EQ(rule.body["active_connections"][0]["port"], 21);
  }
  const auto page = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                 "--max-time", "2", "http://" + ip_ + "/"});
  EXPECT_EQ(page.output, "200") << "http is not in the tarpit";
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(
                   serve.db(),
                   "SELECT count(*) FROM logs WHERE event_type = 'tarpit_exit' AND decky = '" +
                       name_ + "' AND json_extract(fields, '$.duration_s') >= 3")
                       .value_or(0) >= 1 &&
               sqlite_int(serve.db(),
                          "SELECT count(*) FROM logs WHERE event_type = "
                          "'tarpit_enter' AND attacker_ip = '" +
                              net_ + "1'")
                       .value_or(0) >= 2;
      },
      std::chrono::seconds(30)))
      << serve.output();

  const auto removed = serve.api("DELETE", path + "/tarpit");
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(removed.body["message"], "tarpit removed");
  EXPECT_EQ(serve.api("GET", path + "/tarpit").status, 404);
  const auto [banner, waited] = banner_after(21);
  EXPECT_EQ(banner.rfind("220", 0), 0u) << banner;
  EXPECT_LT(waited, std::chrono::milliseconds(3000));
  EXPECT_EQ(serve.api("DELETE", path).status, 204);
}

}  // namespace
}  // namespace decnet::fleet
