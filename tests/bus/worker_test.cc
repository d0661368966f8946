#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "bus/inprocess_bus.h"
#include "bus/worker_lifecycle.h"
#include "tests_support.h"

namespace decnet::bus {
namespace {

using decnet::testing::wait_until;
using namespace std::chrono_literals;

struct Beats {
  std::mutex mu;
  std::vector<Event> events;
  std::size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
  Event at(std::size_t i) {
    std::lock_guard lock(mu);
    return events.at(i);
  }
};

TEST(WorkerLifecycle, BeatsImmediatelyThenEveryIntervalWithExtraMerged) {
  InProcessBus bus;
  Beats beats;
  auto sub = bus.subscribe("system.*.health",
                           [&](const Event& e) {
                             std::lock_guard lock(beats.mu);
                             beats.events.push_back(e);
                           },
                           {});
  WorkerLifecycle worker(bus, {.name = "agent", .interval = 50ms, .extra = [] {
                                 return nlohmann::json{{"offset", 4096}, {"connected", true}};
                               }});
  ASSERT_TRUE(wait_until([&] { return beats.size() >= 3; }));
  const auto first = beats.at(0);
  EXPECT_EQ(first.topic, "system.agent.health");
  EXPECT_EQ(first.type, "health");
  EXPECT_EQ(first.payload["worker"], "agent");
  EXPECT_TRUE(first.payload["ts"].is_number_float());
  EXPECT_EQ(first.payload["offset"], 4096);
  EXPECT_EQ(first.payload["connected"], true);
  worker.stop();
  const auto count = beats.size();
  // After stop() returns no further beat is published (the beat thread is joined).
  bus.publish("system.marker.health", {}, "");
  ASSERT_TRUE(wait_until([&] { return beats.size() == count + 1; }));
  EXPECT_EQ(beats.at(count).topic, "system.marker.health");
}

TEST(WorkerLifecycle, FailingExtraStillBeats) {
  InProcessBus bus;
  Beats beats;
  auto sub = bus.subscribe("system.prober.health",
                           [&](const Event& e) {
                             std::lock_guard lock(beats.mu);
                             beats.events.push_back(e);
                           },
                           {});
  WorkerLifecycle worker(bus, {.name = "prober", .interval = 1h, .extra = []() -> nlohmann::json {
                                 throw std::runtime_error("no stats");
                               }});
  ASSERT_TRUE(wait_until([&] { return beats.size() == 1; }));
  EXPECT_EQ(beats.at(0).payload["worker"], "prober");
}

TEST(WorkerLifecycle, StopsOnceOnStopActionAndIgnoresOthers) {
  InProcessBus bus;
  std::atomic<int> stops{0};
  WorkerLifecycle worker(bus, {.name = "mutator", .interval = 1h, .on_stop = [&] { ++stops; }});
  bus.publish("system.mutator.control", {{"action", "bogus"}}, "control");
  bus.publish("system.mutator.control", {{"requested_by", "admin"}}, "control");
  bus.publish("system.other.control", {{"action", "stop"}}, "control");
  bus.publish("system.mutator.control", {{"action", "stop"}, {"requested_by", "admin"}}, "control");
  bus.publish("system.mutator.control", {{"action", "stop"}}, "control");
  ASSERT_TRUE(wait_until([&] { return stops.load() == 1; }));
  // The second stop was delivered (same mailbox, in order) and ignored.
  bus.publish("system.mutator.control", {{"action", "stop"}}, "control");
  EXPECT_FALSE(wait_until([&] { return stops.load() > 1; }, 200ms));
}

TEST(WorkerLifecycle, RejectsInvalidWorkerNames) {
  InProcessBus bus;
  EXPECT_ANY_THROW(WorkerLifecycle(bus, {.name = "bad.name"}));
  EXPECT_ANY_THROW(WorkerLifecycle(bus, {.name = ""}));
}

}  // namespace
}  // namespace decnet::bus
