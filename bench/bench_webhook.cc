// Webhook delivery throughput: 100 subscriptions, each on its own sender, all pointed at one
// local keep-alive HTTP receiver, fed through the real worker, signer, SSRF guard, libcurl and
// SQLite delivery log. Printed beside it, as the limit it is compared with, is a bare libcurl
// POST loop to the same receiver (one connection, no signing, no bookkeeping).
//
// Then ingest end to end (the fleet stream over TCP into SQLite), with no webhook worker and with
// a worker whose subscription to every topic points at a receiver that never answers: a
// hanging SIEM must not slow ingest. Best of two runs each, alternating.
#include <curl/curl.h>

#include <thread>

#include "bench_support.h"
#include "bus/inprocess_bus.h"
#include "fleet_lines.h"
#include "ingest_harness.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/sqlite_repository.h"
#include "store/webhook_repository.h"
#include "webhook/webhook_error.h"
#include "webhook/webhook_worker.h"
#include "webhook_receiver.h"

using namespace decnet;
using Clock = std::chrono::steady_clock;

namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

double bare_posts_per_second(const std::string& url, const std::string& body, int posts) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  const auto start = Clock::now();
  for (int i = 0; i < posts; ++i) curl_easy_perform(curl);
  const double seconds = bench::seconds_since(start);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return posts / seconds;
}

double ingest_rate(const std::filesystem::path& db, const std::string& stream, std::size_t lines,
                   testing::WebhookReceiver* hanging) {
  bench::IngestStack stack(db);
  testing::NoDnsResolver resolver;
  webhook::SsrfGuard guard(resolver, true);
  webhook::Deliverer deliverer(guard, webhook::RetryPolicy{});
  webhook::SecretBox box("bench key");
  std::unique_ptr<webhook::WebhookWorker> worker;
  if (hanging) {
    store::NewWebhookSubscription spec;
    spec.name = "hanging-siem";
    spec.url = hanging->url();
    spec.secret_ciphertext = box.seal("bench-secret");
    spec.topic_patterns = {">"};
    stack.repo->write_now([&](store::WriteScope& scope) {
      stack.repo->webhooks().create_webhook_subscription(scope, spec);
    });
    worker = std::make_unique<webhook::WebhookWorker>(*stack.repo, stack.bus, deliverer, box);
    worker->start();
  }
  const double rate = bench::committed_lines_per_second(stack, stream, lines);
  if (worker) {
    hanging->release_hangs();
    worker->stop();
  }
  return rate;
}

}  // namespace

int main() {
  constexpr int kSubscriptions = 100;
  constexpr int kEvents = 300;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("decnet-bench-webhook-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  testing::WebhookReceiver receiver;
  receiver.keep_bodies(false);
  const std::string sample =
      R"({"id":"0","payload":{"attacker_ip":"203.0.113.9"},"topic":"attacker.observed","ts":"2026-01-02T03:04:05+00:00","type":"observed","v":1})";
  bench::report("webhook_bare_post_one_connection",
                bare_posts_per_second(receiver.url(), sample, 5000), "posts/s");
  const auto bare_requests = receiver.count();

  {
    bus::InProcessBus bus;
    auto repo = store::sqlite::open_sqlite_repository({.path = dir / "decnet.db"});
    testing::NoDnsResolver resolver;
    webhook::SsrfGuard guard(resolver, true);
    webhook::Deliverer deliverer(guard, webhook::RetryPolicy{});
    webhook::SecretBox box("bench key");
    for (int i = 0; i < kSubscriptions; ++i) {
      store::NewWebhookSubscription spec;
      spec.name = "siem-" + std::to_string(i);
      spec.url = receiver.url("/hook/" + std::to_string(i));
      spec.secret_ciphertext = box.seal("bench-secret-" + std::to_string(i));
      spec.topic_patterns = {"attacker.>"};
      repo->write_now([&](store::WriteScope& scope) {
        repo->webhooks().create_webhook_subscription(scope, spec);
      });
    }
    webhook::WebhookWorker worker(*repo, bus, deliverer, box);
    worker.start();
    const std::size_t want = bare_requests + static_cast<std::size_t>(kSubscriptions) * kEvents;
    const auto start = Clock::now();
    for (int i = 0; i < kEvents; ++i) {
      bus.publish("attacker.observed", {{"attacker_ip", "203.0.113.9"}, {"n", i}}, "observed");
    }
    while (receiver.count() < want && bench::seconds_since(start) < 300) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const double seconds = bench::seconds_since(start);
    bench::report("webhook_deliveries_100_subscriptions",
                  static_cast<double>(receiver.count() - bare_requests) / seconds, "deliveries/s");
    worker.stop();
    repo->close();
  }
  {
    constexpr std::size_t kLines = 200'000;
    bench::FleetLineMaker maker({});
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < kLines; ++i) lines.push_back(maker.next());
    const auto stream = bench::joined(lines);
    testing::WebhookReceiver hanging({{.hang = true}});
    bench::report_best_of_two("webhook_ingest", "without_worker", "with_hanging_receiver",
                              "hanging_ratio", [&](bool with, int round) {
                                const auto db =
                                    dir / ((with ? "on" : "off") + std::to_string(round) + ".db");
                                return ingest_rate(db, stream, kLines, with ? &hanging : nullptr);
                              });
  }
  std::filesystem::remove_all(dir);
  return 0;
}
