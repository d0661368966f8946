// The UNIX-socket bus end to end: the real `decnet bus` binary as broker, UnixSocketBus clients
// and raw reference-style clients on plain sockets. Covers spec §6 items 6-8 plus what we fix:
// subscription acknowledgements (no missed events after subscribe), reconnection after a
// broker restart, and per-connection isolation of protocol errors.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/bus_error.h"
#include "bus/frame.h"
#include "bus/unix_broker.h"
#include "bus/unix_bus.h"
#include "tests_support.h"

namespace decnet::bus {
namespace {

using decnet::testing::ChildProcess;
using decnet::testing::decnet_binary;
using decnet::testing::TempDir;
using decnet::testing::wait_until;
using namespace std::chrono_literals;

int connect_raw(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool socket_accepts(const std::filesystem::path& path) {
  const int fd = connect_raw(path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// A client written against the reference wire format only: it never asks for acks.
class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& path) : fd_(connect_raw(path)) {}
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  bool send_bytes(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads whatever arrives within `timeout`; returns false once the peer closed.
  bool pump(std::chrono::milliseconds timeout = 50ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return !eof_;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      eof_ = true;
      return false;
    }
    if (n < 0) return true;
    std::string_view data(buffer, static_cast<std::size_t>(n));
    while (!data.empty() && !decoder_.failed()) {
      data.remove_prefix(decoder_.feed(data));
      if (decoder_.has_frame()) frames.push_back(decoder_.take());
    }
    return true;
  }
  bool closed_by_peer() {
    pump(20ms);
    return eof_;
  }

  std::vector<Frame> frames;

 private:
  int fd_;
  bool eof_ = false;
  FrameDecoder decoder_;
};

class Collector {
 public:
  Handler handler() {
    return [this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
    };
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return events_.size();
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  bool has_topic(std::string_view topic) const {
    std::lock_guard lock(mu_);
    for (const auto& e : events_) {
      if (e.topic == topic) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
};

class UnixBusTest : public ::testing::Test {
 protected:
  void SetUp() override { start_broker(); }

  void start_broker() {
    broker_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{decnet_binary(), "bus", "--socket", socket_.native(),
                                 "--heartbeat", "1", "--group", ""},
        std::map<std::string, std::string>{{"DECNET_DATA_DIR", dir_.path().native()}});
    ASSERT_TRUE(wait_until([&] { return socket_accepts(socket_); }, 10s)) << broker_->output();
  }

  std::unique_ptr<UnixSocketBus> client(const std::string& name) {
    UnixSocketBus::Options options;
    options.socket_path = socket_;
    options.client_name = name;
    return std::make_unique<UnixSocketBus>(options);
  }

  TempDir dir_;
  std::filesystem::path socket_ = dir_ / "bus.sock";
  std::unique_ptr<ChildProcess> broker_;
};

TEST_F(UnixBusTest, SocketModeIs0660) {
  struct stat st {};
  ASSERT_EQ(::stat(socket_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(UnixBusTest, WildcardSubscriberGetsExactlyTheMatchingEventsInOrder) {
  auto subscriber = client("sub");
  auto publisher = client("pub");
  Collector got;
  auto sub = subscriber->subscribe("topology.*.mutation.*", got.handler(), {});
  publisher->publish("topology.abc.mutation.applied", {{"n", 1}}, "mutation.applied");
  publisher->publish("decky.xyz.state", {{"n", 99}}, "state");
  publisher->publish("topology.def.mutation.failed", {{"n", 2}}, "mutation.failed");
  ASSERT_TRUE(wait_until([&] { return got.size() >= 2; }, 5s));
  // A marker after the others proves the decky event was not merely late.
  Collector marker;
  auto marker_sub = subscriber->subscribe("marker", marker.handler(), {});
  publisher->publish("marker", {}, "");
  ASSERT_TRUE(wait_until([&] { return marker.size() == 1; }, 5s));
  const auto events = got.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].topic, "topology.abc.mutation.applied");
  EXPECT_EQ(events[0].payload["n"], 1);
  EXPECT_EQ(events[0].type, "mutation.applied");
  EXPECT_EQ(events[1].topic, "topology.def.mutation.failed");
  EXPECT_EQ(events[1].payload["n"], 2);
  EXPECT_EQ(events[0].id.size(), 32u);
  EXPECT_NE(events[0].id, events[1].id);
  EXPECT_GT(events[0].ts, 1.6e9);
}

TEST_F(UnixBusTest, NoSelfEcho) {
  auto a = client("a");
  auto b = client("b");
  Collector got_a;
  Collector got_b;
  auto sub_a = a->subscribe("echo.>", got_a.handler(), {});
  auto sub_b = b->subscribe("echo.>", got_b.handler(), {});
  a->publish("echo.one", {}, "");
  ASSERT_TRUE(wait_until([&] { return got_b.size() == 1; }, 5s));
  // Per-connection order: once a sees b's event, any echo of its own would already be there.
  b->publish("echo.two", {}, "");
  ASSERT_TRUE(wait_until([&] { return got_a.size() >= 1; }, 5s));
  const auto events = got_a.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, "echo.two");
}

TEST_F(UnixBusTest, PayloadAndTypeArriveExactlyAsPublished) {
  // The broker passes the payload through as text; what arrives must be the same document.
  auto a = client("a");
  auto b = client("b");
  Collector got;
  auto sub = b->subscribe("pass.>", got.handler(), {});
  const nlohmann::json payload = {
      {"quote", "say \"hi\" } ] {"},
      {"unicode", "caf\xc3\xa9 \xe2\x86\x92"},
      {"nested",
       {{"list", {1, 2.5, nullptr, true, {{"k", "}"}}}}, {"empty", nlohmann::json::object()}}},
      {"backslash", "a\\b"},
      {"type", "not the envelope type"}};
  a->publish("pass.through", payload, "odd \"type\"");
  a->publish("pass.empty", nlohmann::json::object(), "");
  ASSERT_TRUE(wait_until([&] { return got.size() == 2; }, 5s));
  const auto events = got.events();
  EXPECT_EQ(events[0].payload, payload);
  EXPECT_EQ(events[0].type, "odd \"type\"");
  EXPECT_EQ(events[0].id.size(), 32u);
  EXPECT_TRUE(events[1].payload.is_object());
  EXPECT_TRUE(events[1].payload.empty());
}

TEST_F(UnixBusTest, PublishRightAfterSubscribeIsNeverMissed) {
  for (int round = 0; round < 50; ++round) {
    // Both clients are fresh: neither the first publish nor the first SUB may be lost.
    auto subscriber = client("sub-" + std::to_string(round));
    auto publisher = client("pub-" + std::to_string(round));
    Collector got;
    const std::string topic = "race.round" + std::to_string(round);
    auto sub = subscriber->subscribe(topic, got.handler(), {});
    publisher->publish(topic, {{"round", round}}, "");
    ASSERT_TRUE(wait_until([&] { return got.size() == 1; }, 5s)) << "missed in round " << round;
  }
}

TEST_F(UnixBusTest, BrokerHealthArrivesWithPid) {
  auto bus = client("health");
  Collector got;
  auto sub = bus->subscribe("system.*.health", got.handler(), {});
  ASSERT_TRUE(wait_until([&] { return got.size() >= 1; }, 3s));
  const auto event = got.events().front();
  EXPECT_EQ(event.topic, "system.bus.health");
  EXPECT_EQ(event.type, "bus.health");
  EXPECT_EQ(event.payload["pid"], broker_->pid());
  EXPECT_TRUE(event.payload.contains("uptime_sec"));
  EXPECT_TRUE(event.payload["ts"].is_number_float());
}

TEST_F(UnixBusTest, BadClientsAreDisconnectedWhileOthersKeepReceiving) {
  auto subscriber = client("good-sub");
  auto publisher = client("good-pub");
  Collector got;
  auto sub = subscriber->subscribe("keep.>", got.handler(), {});

  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"oversize header", std::string(kMaxHeaderBytes + 10, 'A')},
      {"oversize body", std::string("PUB keep.x\n\x00\x20\x00\x00", 15)},
      {"unknown verb", encode_frame(Verb::kSub, "x").replace(0, 3, "ZAP")},
      {"array body", encode_frame(Verb::kPub, "keep.x", "[1,2]")},
      {"non-ascii", std::string("PUB k\xc3\xa9\n\0\0\0\0", 12)},
      {"misplaced tail wildcard", encode_frame(Verb::kSub, "a.>.c")},
      {"client sends EVT", encode_frame(Verb::kEvt, "keep.x", "{}")},
  };
  int sent = 0;
  for (const auto& [what, bytes] : attacks) {
    RawClient bad(socket_);
    ASSERT_TRUE(bad.ok());
    bad.send_bytes(bytes);
    EXPECT_TRUE(wait_until([&] { return bad.closed_by_peer(); }, 5s)) << what;
    publisher->publish("keep.alive", {{"after", what}}, "");
    ++sent;
    EXPECT_TRUE(wait_until([&] { return got.size() == static_cast<std::size_t>(sent); }, 5s))
        << what;
  }
  EXPECT_TRUE(subscriber->health().connected);
  EXPECT_EQ(subscriber->connects(), 1u);
  EXPECT_TRUE(broker_->running());
}

TEST_F(UnixBusTest, ReferenceClientWithoutAckGetsEventsAndNeverAnOk) {
  RawClient raw(socket_);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.send_bytes(encode_frame(Verb::kHello, "legacy")));
  ASSERT_TRUE(raw.send_bytes(encode_frame(Verb::kSub, "legacy.>")));
  auto publisher = client("pub");
  // Without acks the only way to know the SUB is in force is to see an event arrive.
  ASSERT_TRUE(wait_until(
      [&] {
        publisher->publish("legacy.probe", {{"x", 1}}, "probe");
        raw.pump(20ms);
        return !raw.frames.empty();
      },
      5s));
  ASSERT_TRUE(raw.send_bytes(encode_frame(Verb::kUnsub, "legacy.>")));
  ASSERT_TRUE(raw.send_bytes(encode_frame(Verb::kSub, "legacy.>")));
  publisher->publish("legacy.last", {}, "");
  ASSERT_TRUE(wait_until(
      [&] {
        raw.pump(20ms);
        return !raw.frames.empty() && raw.frames.back().args == "legacy.last";
      },
      5s));
  for (const auto& frame : raw.frames) {
    EXPECT_EQ(frame.verb, Verb::kEvt) << verb_name(frame.verb) << " " << frame.args;
    const auto body = decode_body(frame.body);
    ASSERT_TRUE(body.has_value());
    EXPECT_EQ((*body)["v"], 1);
    EXPECT_EQ((*body)["topic"], frame.args);
  }
}

TEST_F(UnixBusTest, ThousandEventsArriveInOrderWithNoneDropped) {
  auto subscriber = client("sub");
  auto publisher = client("pub");
  Collector got;
  auto sub = subscriber->subscribe("bulk.>", got.handler(), {});
  constexpr int kCount = 1000;
  for (int i = 0; i < kCount; ++i) publisher->publish("bulk.item", {{"i", i}}, "");
  ASSERT_TRUE(wait_until([&] { return got.size() == kCount; }, 15s)) << got.size();
  const auto events = got.events();
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(events[i].payload["i"], i);
  EXPECT_EQ(publisher->dropped(), 0u);
  EXPECT_EQ(publisher->health().published, static_cast<std::uint64_t>(kCount));
  EXPECT_EQ(sub.stats().dropped, 0u);
}

TEST_F(UnixBusTest, ClientsResumeAfterTheBrokerIsKilledAndRestarted) {
  auto subscriber = client("sub");
  auto publisher = client("pub");
  Collector got;
  auto sub = subscriber->subscribe("restart.>", got.handler(), {});
  publisher->publish("restart.before", {}, "");
  ASSERT_TRUE(wait_until([&] { return got.size() == 1; }, 5s));

  broker_->stop(SIGKILL);
  ASSERT_TRUE(wait_until(
      [&] { return !subscriber->health().connected && !publisher->health().connected; }, 5s));
  publisher->publish("restart.lost", {}, "");  // nobody to send it to: dropped and counted
  ASSERT_TRUE(wait_until([&] { return publisher->dropped() >= 1; }, 5s));
  EXPECT_NE(publisher->health().detail.find("dropped"), std::string::npos);

  start_broker();
  ASSERT_TRUE(wait_until(
      [&] { return subscriber->health().connected && publisher->health().connected; }, 15s));
  EXPECT_GE(subscriber->connects(), 2u);  // more if it raced the dying broker's backlog
  publisher->publish("restart.after", {}, "");
  ASSERT_TRUE(wait_until([&] { return got.has_topic("restart.after"); }, 5s));
  EXPECT_FALSE(got.has_topic("restart.lost"));

  // New subscriptions work on the new connection too.
  Collector later;
  auto later_sub = subscriber->subscribe("later", later.handler(), {});
  publisher->publish("later", {}, "");
  EXPECT_TRUE(wait_until([&] { return later.size() == 1; }, 5s));
}

TEST_F(UnixBusTest, SubscribeFailsWithoutABrokerAndPublishIsCounted) {
  auto bus = client("lonely");
  // Connected means HELLO was acknowledged; only then does "not connected" below mean the
  // client saw the broker die.
  ASSERT_TRUE(wait_until([&] { return bus->health().connected; }, 5s));
  broker_->stop(SIGKILL);
  ASSERT_TRUE(wait_until([&] { return !bus->health().connected; }, 5s));
  UnixSocketBus::Options options;
  options.socket_path = socket_;
  EXPECT_THROW(UnixSocketBus{options}, BusError);
  bus->publish("x.y", {}, "");
  EXPECT_EQ(bus->dropped(), 1u);
  bus->close();
  bus->close();  // idempotent
  EXPECT_THROW(bus->subscribe("x.y", [](const Event&) {}, {}), BusError);
}

TEST_F(UnixBusTest, SubscribeTimesOutWhenTheBrokerNeverAcknowledges) {
  // A listener that accepts and never answers stands in for a reference broker.
  const auto path = dir_ / "mute.sock";
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  UnixSocketBus::Options options;
  options.socket_path = path;
  options.ack_timeout = 300ms;
  UnixSocketBus bus(options);
  try {
    bus.subscribe("a.b", [](const Event&) {}, {});
    ADD_FAILURE() << "subscribe should have timed out";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("did not acknowledge"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(bus.health().subscribers.empty());
  bus.close();
  ::close(listener);
}

TEST(UnixBrokerStart, MissingParentDirectoryFailsWithAClearMessage) {
  TempDir dir;
  const auto socket = dir / "missing" / "bus.sock";
  UnixBroker broker({.socket_path = socket, .group = ""});
  try {
    broker.start();
    ADD_FAILURE() << "start should fail";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  const auto result = decnet::testing::run_command(
      {decnet_binary(), "bus", "--socket", socket.native(), "--group", ""},
      {{"DECNET_DATA_DIR", (dir / "data").native()}}, 20s);
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_NE(result.output.find("does not exist"), std::string::npos) << result.output;
}

TEST(UnixBrokerStart, RefusesToReplaceAFileThatIsNotASocket) {
  TempDir dir;
  const auto path = dir / "bus.sock";
  std::ofstream(path) << "precious";
  UnixBroker broker({.socket_path = path, .group = ""});
  try {
    broker.start();
    ADD_FAILURE() << "start should fail";
  } catch (const BusError& e) {
    EXPECT_NE(std::string(e.what()).find("not a socket"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(path));
}

TEST(UnixBrokerStart, ReplacesAStaleSocketAndRemovesItOnStop) {
  TempDir dir;
  const auto path = dir / "bus.sock";
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);  // leaves a socket file nobody listens on
  }
  UnixBroker broker({.socket_path = path, .group = ""});
  broker.start();
  std::thread loop([&] { broker.run(); });
  EXPECT_TRUE(socket_accepts(path));
  UnixBroker second({.socket_path = path, .group = ""});
  EXPECT_THROW(second.start(), BusError);  // a live broker is never displaced
  broker.stop();
  loop.join();
  broker.stop();  // idempotent
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(UnixBrokerStart, DataDirectoryIsCreatedForTheDefaultSocket) {
  TempDir dir;
  const auto data = dir / "var";
  ChildProcess broker({decnet_binary(), "bus", "--group", ""},
                      {{"DECNET_DATA_DIR", data.native()}, {"DECNET_BUS_SOCKET", ""}});
  EXPECT_TRUE(wait_until([&] { return socket_accepts(data / "bus.sock"); }, 10s))
      << broker.output();
  EXPECT_EQ(broker.stop(SIGTERM), 0) << broker.output();
  EXPECT_FALSE(std::filesystem::exists(data / "bus.sock"));
}

}  // namespace
}  // namespace decnet::bus
