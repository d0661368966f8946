#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <vector>

#include "bus/bus_error.h"
#include "bus/inprocess_bus.h"
#include "tests_support.h"

namespace decnet::bus {
namespace {

using decnet::testing::wait_until;

// Collects events delivered to a handler, safe to read from the test thread.
struct Inbox {
  std::mutex mu;
  std::vector<Event> events;
  Handler handler() {
    return [this](const Event& e) {
      std::lock_guard lock(mu);
      events.push_back(e);
    };
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
  std::vector<Event> snapshot() {
    std::lock_guard lock(mu);
    return events;
  }
};

TEST(InProcessBus, DeliversExactAndWildcardWithEnvelope) {
  InProcessBus bus;
  Inbox exact, wild, other;
  auto s1 = bus.subscribe("attacker.observed", exact.handler(), {});
  auto s2 = bus.subscribe("attacker.>", wild.handler(), {});
  auto s3 = bus.subscribe("system.*.health", other.handler(), {});
  bus.publish("attacker.observed", {{"attacker_ip", "203.0.113.9"}}, "observed");
  bus.publish("attacker.session.started", {}, "");
  ASSERT_TRUE(wait_until([&] { return exact.size() == 1 && wild.size() == 2; }));
  const auto e = exact.snapshot()[0];
  EXPECT_EQ(e.topic, "attacker.observed");
  EXPECT_EQ(e.type, "observed");
  EXPECT_EQ(e.payload["attacker_ip"], "203.0.113.9");
  EXPECT_EQ(e.id.size(), 32u);
  EXPECT_EQ(e.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_GT(e.ts, 1.7e9);
  const auto json = to_json(e);
  EXPECT_EQ(json["v"], 1);
  EXPECT_EQ(json.size(), 6u);
  // A subscriber with a non-matching pattern got nothing, even after the others were served.
  bus.publish("system.ingest.health", {}, "health");
  ASSERT_TRUE(wait_until([&] { return other.size() == 1; }));
  EXPECT_EQ(wild.size(), 2u);
}

TEST(InProcessBus, EverySubscriberGetsItsOwnCopyInPublishOrder) {
  InProcessBus bus;
  Inbox a, b;
  auto s1 = bus.subscribe("seq.>", a.handler(), {.queue_capacity = 20000});
  auto s2 = bus.subscribe("seq.*", b.handler(), {.queue_capacity = 20000});
  constexpr int kCount = 10000;
  for (int i = 0; i < kCount; ++i) bus.publish("seq.n", {{"i", i}}, "");
  ASSERT_TRUE(wait_until([&] { return a.size() == kCount && b.size() == kCount; }));
  for (auto* inbox : {&a, &b}) {
    const auto events = inbox->snapshot();
    for (int i = 0; i < kCount; ++i) ASSERT_EQ(events[i].payload["i"], i);
  }
  EXPECT_EQ(s1.stats().delivered, static_cast<std::uint64_t>(kCount));
  EXPECT_EQ(s1.stats().dropped, 0u);
}

TEST(InProcessBus, FullQueueDropsOldestAndCounts) {
  InProcessBus bus;
  std::latch release(1);
  std::atomic<bool> first_started{false};
  std::vector<int> seen;
  std::mutex mu;
  auto sub = bus.subscribe("q.>",
                           [&](const Event& e) {
                             if (!first_started.exchange(true))
                               release.wait();  // hold the first event
                             std::lock_guard lock(mu);
                             seen.push_back(e.payload["i"].get<int>());
                           },
                           {.name = "slow", .queue_capacity = 2});
  bus.publish("q.x", {{"i", 0}}, "");
  ASSERT_TRUE(wait_until([&] { return first_started.load(); }));
  for (int i = 1; i <= 5; ++i) bus.publish("q.x", {{"i", i}}, "");
  EXPECT_EQ(sub.stats().dropped, 3u);
  EXPECT_EQ(sub.stats().queued, 2u);
  release.count_down();
  ASSERT_TRUE(wait_until([&] { return sub.stats().delivered == 3; }));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<int>{0, 4, 5}));
  const auto health = bus.health();
  ASSERT_EQ(health.subscribers.size(), 1u);
  EXPECT_EQ(health.subscribers[0].name, "slow");
  EXPECT_EQ(health.subscribers[0].dropped, 3u);
}

TEST(InProcessBus, DropNewestKeepsTheContiguousPrefix) {
  InProcessBus bus;
  std::latch release(1);
  std::atomic<bool> first_started{false};
  std::vector<int> seen;
  std::mutex mu;
  auto sub = bus.subscribe("q.>",
                           [&](const Event& e) {
                             if (!first_started.exchange(true)) release.wait();
                             std::lock_guard lock(mu);
                             seen.push_back(e.payload["i"].get<int>());
                           },
                           {.queue_capacity = 2, .overflow = Overflow::kDropNewest});
  bus.publish("q.x", {{"i", 0}}, "");
  ASSERT_TRUE(wait_until([&] { return first_started.load(); }));
  for (int i = 1; i <= 5; ++i) bus.publish("q.x", {{"i", i}}, "");
  release.count_down();
  ASSERT_TRUE(wait_until([&] { return sub.stats().delivered == 3; }));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(sub.stats().dropped, 3u);
}

TEST(InProcessBus, UnsubscribeStopsDeliveryEvenFromInsideTheHandler) {
  InProcessBus bus;
  Inbox kept;
  std::atomic<int> calls{0};
  Subscription self;
  self = bus.subscribe("u.>",
                       [&](const Event&) {
                         ++calls;
                         self.unsubscribe();
                       },
                       {});
  auto keep = bus.subscribe("u.>", kept.handler(), {});
  for (int i = 0; i < 5; ++i) bus.publish("u.x", {}, "");
  ASSERT_TRUE(wait_until([&] { return kept.size() == 5; }));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(bus.health().subscribers.size(), 1u);
  keep.unsubscribe();
  bus.publish("u.x", {}, "");
  EXPECT_EQ(kept.size(), 5u);
  EXPECT_FALSE(keep.active());
}

TEST(InProcessBus, HandlerExceptionDoesNotStopDelivery) {
  InProcessBus bus;
  std::atomic<int> calls{0};
  auto sub = bus.subscribe("x.>",
                           [&](const Event&) {
                             if (++calls == 1) throw std::runtime_error("boom");
                           },
                           {});
  bus.publish("x.a", {}, "");
  bus.publish("x.a", {}, "");
  EXPECT_TRUE(wait_until([&] { return calls.load() == 2; }));
}

TEST(InProcessBus, InvalidPatternAndClosedBus) {
  InProcessBus bus;
  EXPECT_THROW(bus.subscribe("a.>.b", [](const Event&) {}, {}), BusError);
  Inbox inbox;
  auto sub = bus.subscribe("a.>", inbox.handler(), {});
  bus.close();
  bus.close();  // idempotent
  bus.publish("a.b", {}, "");
  EXPECT_THROW(bus.subscribe("a.>", [](const Event&) {}, {}), BusError);
  EXPECT_EQ(inbox.size(), 0u);
  EXPECT_FALSE(bus.health().connected);
}

TEST(NullBus, DropsEverythingButStillValidatesPatterns) {
  NullBus bus;
  bus.publish("a.b", {{"x", 1}}, "");
  auto sub = bus.subscribe("a.>", [](const Event&) { FAIL(); }, {});
  EXPECT_FALSE(sub.active());
  EXPECT_THROW(bus.subscribe("", [](const Event&) {}, {}), BusError);
  EXPECT_EQ(bus.health().transport, "null");
}

TEST(Envelope, FromJsonTakesTopicFromTransportAndFillsDefaults) {
  const auto spoofed = event_from_json(
      "system.log", {{"topic", "attacker.observed"}, {"id", "abc"}, {"ts", 12.5}, {"type", "t"}});
  EXPECT_EQ(spoofed->topic, "system.log");
  EXPECT_EQ(spoofed->id, "abc");
  EXPECT_DOUBLE_EQ(spoofed->ts, 12.5);
  EXPECT_EQ(spoofed->type, "t");
  const auto empty = event_from_json("system.log", nlohmann::json::object());
  EXPECT_TRUE(empty->payload.is_object());
  EXPECT_TRUE(empty->payload.empty());
  EXPECT_EQ(empty->id.size(), 32u);
  EXPECT_EQ(empty->type, "");
  const auto not_object = event_from_json("a.b", {{"payload", {1, 2}}});
  EXPECT_TRUE(not_object->payload.is_object());
  EXPECT_NE(make_event("a", {}, "")->id, make_event("a", {}, "")->id);
}

}  // namespace
}  // namespace decnet::bus
