#include "bus/nats_bus.h"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "bus/bus_error.h"
#include "bus/mailbox.h"
#include "bus/matcher.h"

namespace decnet::bus {

struct NatsBus::State {
  std::string url;
  natsConnection* conn = nullptr;
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> publish_failures{0};
  std::atomic<std::uint64_t> malformed{0};
  std::atomic<bool> closed{false};
  std::mutex mu;
  std::vector<std::weak_ptr<Mailbox>> mailboxes;
};

namespace {

struct NatsSubscriptionContext {
  std::shared_ptr<Mailbox> mailbox;
  std::weak_ptr<NatsBus::State> state;
};

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<NatsSubscriptionContext*>(closure);
  const char* data = natsMsg_GetData(msg);
  const int length = natsMsg_GetDataLength(msg);
  auto body = nlohmann::json::parse(data, data + length, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    if (auto state = ctx->state.lock()) state->malformed.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("nats: dropped a non-JSON message on {}", natsMsg_GetSubject(msg));
  } else {
    ctx->mailbox->push(event_from_json(natsMsg_GetSubject(msg), body));
  }
  natsMsg_Destroy(msg);
}

class NatsSubscriptionHandle final : public Subscription::Impl {
 public:
  NatsSubscriptionHandle(natsSubscription* sub, std::unique_ptr<NatsSubscriptionContext> ctx)
      : sub_(sub), ctx_(std::move(ctx)) {}
  ~NatsSubscriptionHandle() override { cancel(); }

  void cancel() override {
    std::lock_guard lock(mu_);
    if (!sub_) return;
    natsSubscription_Unsubscribe(sub_);
    natsSubscription_Destroy(sub_);  // waits out a callback already running
    sub_ = nullptr;
    ctx_->mailbox->stop();
  }

  SubscriberStats stats() const override { return ctx_->mailbox->stats(); }

 private:
  std::mutex mu_;
  natsSubscription* sub_;
  std::unique_ptr<NatsSubscriptionContext> ctx_;
};

std::string status_text(natsStatus s) {
  return natsStatus_GetText(s);
}

}  // namespace

NatsBus::NatsBus(const std::string& url, const std::string& client_name)
    : state_(std::make_shared<State>()) {
  state_->url = url;
  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(opts, client_name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 250);
  if (s == NATS_OK) s = natsConnection_Connect(&state_->conn, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) {
    throw BusError("cannot connect to NATS at " + url + ": " + status_text(s));
  }
}

NatsBus::~NatsBus() {
  close();
}

void NatsBus::publish(std::string_view topic, nlohmann::json payload, std::string_view type) {
  if (state_->closed.load(std::memory_order_relaxed)) return;
  const auto event = make_event(topic, std::move(payload), type);
  const auto body = to_wire(*event);
  const natsStatus s = natsConnection_Publish(state_->conn, event->topic.c_str(), body.data(),
                                              static_cast<int>(body.size()));
  if (s == NATS_OK) {
    state_->published.fetch_add(1, std::memory_order_relaxed);
  } else if (state_->publish_failures.fetch_add(1, std::memory_order_relaxed) == 0) {
    spdlog::warn("nats: publish on {} failed: {}", event->topic, status_text(s));
  }
}

Subscription NatsBus::subscribe(std::string_view pattern, Handler handler,
                                SubscribeOptions options) {
  Pattern compiled(pattern);  // NATS accepts the same syntax; reject the same mistakes first
  if (state_->closed.load()) throw BusError("subscribe on a closed bus");
  auto ctx = std::make_unique<NatsSubscriptionContext>();
  ctx->mailbox = Mailbox::start(std::string(pattern), std::move(handler), std::move(options));
  ctx->state = state_;
  natsSubscription* sub = nullptr;
  const std::string subject(pattern);
  natsStatus s =
      natsConnection_Subscribe(&sub, state_->conn, subject.c_str(), on_message, ctx.get());
  // A flush round-trips a PING, so the server has registered the SUB when this returns.
  if (s == NATS_OK) s = natsConnection_FlushTimeout(state_->conn, 5000);
  if (s != NATS_OK) {
    if (sub) natsSubscription_Destroy(sub);
    ctx->mailbox->stop();
    throw BusError("NATS subscribe to '" + subject + "' failed: " + status_text(s));
  }
  // Our mailbox bounds the backlog; let nats.c hand messages over without its own cap.
  natsSubscription_SetPendingLimits(sub, -1, -1);
  {
    std::lock_guard lock(state_->mu);
    state_->mailboxes.push_back(ctx->mailbox);
  }
  return Subscription(std::make_shared<NatsSubscriptionHandle>(sub, std::move(ctx)));
}

BusHealth NatsBus::health() const {
  BusHealth h;
  h.transport = "nats";
  h.connected = !state_->closed.load() && state_->conn &&
                natsConnection_Status(state_->conn) == NATS_CONN_STATUS_CONNECTED;
  h.published = state_->published.load();
  {
    std::lock_guard lock(state_->mu);
    for (const auto& weak : state_->mailboxes) {
      if (auto box = weak.lock()) h.subscribers.push_back(box->stats());
    }
  }
  const auto failures = state_->publish_failures.load();
  const auto malformed = state_->malformed.load();
  if (failures || malformed) {
    h.detail = std::to_string(failures) + " failed publishes, " + std::to_string(malformed) +
               " malformed messages";
  }
  h.detail += (h.detail.empty() ? "" : "; ") + state_->url;
  return h;
}

void NatsBus::close() {
  if (state_->closed.exchange(true)) return;
  natsConnection_Close(state_->conn);
  natsConnection_Destroy(state_->conn);
  state_->conn = nullptr;
}

}  // namespace decnet::bus
