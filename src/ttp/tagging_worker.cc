#include "ttp/tagging_worker.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <map>
#include <set>
#include <tuple>

#include "bus/topics.h"
#include "core/log_limiter.h"
#include "core/thread_name.h"
#include "core/time.h"
#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/intel_repository.h"
#include "ttp/lifter_support.h"
#include "ttp/rule_loader.h"
#include "ttp/tag_sources.h"

namespace decnet::ttp {
namespace {

namespace topics = bus::topics;

constexpr std::size_t kWrittenRemembered = 200'000;
constexpr auto kWriteInterval = std::chrono::milliseconds(50);
constexpr int kTaggerNice = 5;

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

TaggingWorker::TaggingWorker(store::Repository& repo, bus::Bus& bus, std::filesystem::path dir,
                             std::vector<Rule> rules)
    : repo_(repo),
      bus_(bus),
      dir_(std::move(dir)),
      tagger_(std::make_shared<const EventTagger>(std::move(rules))) {}

std::shared_ptr<const EventTagger> TaggingWorker::tagger() const {
  core::MutexLock lock(tagger_mu_);
  return tagger_;
}

void TaggingWorker::reload_rules() {
  try {
    auto next = std::make_shared<const EventTagger>(load_rule_directory(dir_));
    spdlog::info("ttp: rules reloaded from {}: {} rules", dir_.string(), next->rules().size());
    {
      core::MutexLock lock(tagger_mu_);
      tagger_ = std::move(next);
    }
    reloads_.fetch_add(1, std::memory_order_relaxed);
  } catch (const RuleError& e) {
    refused_reloads_.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("ttp: rules not reloaded, the previous pack keeps tagging: {}", e.what());
  }
}

TaggingWorker::~TaggingWorker() {
  stop();
}

void TaggingWorker::reload_states() {
  RuleStates states;
  try {
    for (auto& s : repo_.ttp().list_rule_states()) states.emplace(s.rule_id, std::move(s));
  } catch (const std::exception& e) {
    static core::LogLimiter limiter;
    limiter.error("ttp: rule states not read, keeping the previous ones: {}", e.what());
    return;
  }
  core::MutexLock lock(states_mu_);
  states_ = std::move(states);
}

void TaggingWorker::start() {
  reload_states();
  try {
    watcher_ = std::make_unique<RuleWatcher>(dir_, [this] { reload_rules(); });
  } catch (const std::exception& e) {
    spdlog::warn("ttp: rule changes need a restart: {}", e.what());
  }
  {
    core::MutexLock lock(submitted_mu_);
    stopping_ = false;
  }
  submitted_thread_ = std::thread([this] { run_submitted(); });
  const auto on = [this](const std::string& topic, const char* name, std::size_t capacity,
                         std::function<void(const nlohmann::json&)> handle) {
    subscriptions_.push_back(bus_.subscribe(
        topic, [handle = std::move(handle)](const bus::Event& e) { handle(e.payload); },
        {.name = name, .queue_capacity = capacity}));
  };
  on(std::string(topics::kTtp) + ".rule.state.>", "ttp-rule-state", 1024,
     [this](const nlohmann::json&) { reload_states(); });
  on(std::string(topics::kAttackerSessionEndedTopic), "ttp-sessions", 16384,
     [this](const nlohmann::json& p) { submit(session_events(p)); });
  on(std::string(topics::kAttackerScoredTopic), "ttp-scored", 4096,
     [this](const nlohmann::json& p) { on_scored(p); });
  on(std::string(topics::kAttackerIntelEnrichedTopic), "ttp-intel", 4096,
     [this](const nlohmann::json& p) { on_intel(p); });
  on(std::string(topics::kCredentialReuseDetectedTopic), "ttp-reuse", 4096,
     [this](const nlohmann::json& p) { submit(credential_events(p)); });
  on(topics::email(topics::kEmailReceived), "ttp-email", 4096, [this](const nlohmann::json& p) {
    if (auto e = email_event(p)) submit({std::move(*e)});
  });
  for (const auto type : {topics::kIdentityFormed, topics::kIdentityMerged}) {
    on(topics::identity(type), "ttp-identity", 4096, [this](const nlohmann::json& p) {
      if (auto e = identity_event(p)) submit({std::move(*e)});
    });
  }
  on(std::string(topics::kCanary) + ".*." + std::string(topics::kCanaryTriggered), "ttp-canary",
     4096, [this](const nlohmann::json& p) {
       if (auto e = canary_event(p)) tag_anchored(std::move(*e), p);
     });
  subscriptions_.push_back(bus_.subscribe(topics::attacker(topics::kAttackerFingerprinted),
                                          [this](const bus::Event& event) {
                                            if (event.type != "ipv6_leak") return;
                                            if (auto e = ipv6_leak_event(event.payload))
                                              tag_anchored(std::move(*e), event.payload);
                                          },
                                          {.name = "ttp-ipv6", .queue_capacity = 4096}));
}

void TaggingWorker::stop() {
  watcher_.reset();
  for (auto& s : subscriptions_) s.unsubscribe();
  subscriptions_.clear();
  {
    core::MutexLock lock(submitted_mu_);
    stopping_ = true;
  }
  submitted_ready_.notify_all();
  if (submitted_thread_.joinable()) submitted_thread_.join();
}

nlohmann::json TaggingWorker::health() const {
  std::size_t waiting = 0;
  {
    core::MutexLock lock(submitted_mu_);
    waiting = submitted_.size();
  }
  return {{"rules", tagger()->rules().size()},
          {"rule_reloads", reloads_.load()},
          {"rule_reloads_refused", refused_reloads_.load()},
          {"events_tagged", events_.load()},
          {"events_waiting", waiting},
          {"events_dropped", dropped_.load()},
          {"tags_written", tags_.load()},
          {"tags_dropped", dropped_tags_.load()},
          {"write_failures", failures_.load()}};
}

void TaggingWorker::submit(std::vector<TagEvent> events) {
  if (events.empty()) return;
  {
    core::MutexLock lock(submitted_mu_);
    for (auto& e : events) submitted_.push_back(std::move(e));
    std::uint64_t dropped = 0;
    while (submitted_.size() > kSubmitCapacity) {
      submitted_.pop_front();
      ++dropped;
    }
    if (dropped) dropped_.fetch_add(dropped, std::memory_order_relaxed);
  }
  submitted_ready_.notify_one();
}

void TaggingWorker::run_submitted() {
  core::name_this_thread("ttp-submitted");
  // Tagging is behind ingest, never in its way: when the cores are busy this thread yields to
  // the pipeline's (its queue absorbs the lag) and catches up once ingest slows.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kTaggerNice);
  while (true) {
    std::deque<TagEvent> batch;
    bool stopping = false;
    {
      core::MutexLock lock(submitted_mu_);
      submitted_ready_.wait_for(lock.native(), kWriteInterval, [&] {
        submitted_mu_.assert_held();
        return stopping_ || !submitted_.empty();
      });
      batch.swap(submitted_);
      stopping = stopping_;
    }
    if (!batch.empty()) {
      std::vector<TagEvent> events;
      events.reserve(batch.size());
      for (auto& e : batch) {
        if (e.source_kind == "auth_attempt") episodes_.stamp(e);
        events.push_back(std::move(e));
      }
      events_.fetch_add(events.size(), std::memory_order_relaxed);
      stage(tags_of(events));
    }
    // One write in flight at a time; what is found meanwhile waits for the next, so a writer
    // busy with ingest delays tags rather than stalling the tagging of what comes in.
    finish_write(false);
    start_write();
    if (stopping && batch.empty()) {
      finish_write(true);
      if (staged_.empty()) return;
    }
  }
}

void TaggingWorker::on_scored(const nlohmann::json& p) {
  const auto attacker = lifters::text_at(p, "attacker_uuid");
  if (!attacker || lifters::text_at(p, "behavior_class").value_or("") != "beaconing") return;
  try {
    const auto behaviour = repo_.behaviour().get_behaviour(*attacker);
    if (!behaviour) return;
    if (auto e = beaconing_event(*attacker, *behaviour)) submit({std::move(*e)});
  } catch (const std::exception& e) {
    static core::LogLimiter limiter;
    limiter.warn("ttp: behaviour of {} not read: {}", *attacker, e.what());
  }
}

void TaggingWorker::tag_anchored(TagEvent e, const nlohmann::json& p) {
  // A producer that knows only the address: the attacker is looked up by it, and an event that
  // names no known attacker or identity is dropped (a tag needs an anchor).
  if (!e.attacker_uuid && !e.identity_uuid) {
    const auto ip = lifters::text_at(p, "attacker_ip");
    if (!ip) return;
    try {
      const auto a = repo_.attackers().get_by_ip(*ip);
      if (!a) return;
      e.attacker_uuid = a->uuid;
    } catch (const std::exception& error) {
      static core::LogLimiter limiter;
      limiter.warn("ttp: attacker of {} not read: {}", *ip, error.what());
      return;
    }
  }
  submit({std::move(e)});
}

void TaggingWorker::on_intel(const nlohmann::json& p) {
  const auto attacker = lifters::text_at(p, "attacker_uuid");
  if (!attacker) return;
  try {
    const auto intel = repo_.intel().get_attacker_intel_by_uuid(*attacker);
    if (intel) submit({intel_event(*intel)});
  } catch (const std::exception& e) {
    static core::LogLimiter limiter;
    limiter.warn("ttp: intel of {} not read: {}", *attacker, e.what());
  }
}

std::vector<store::TtpTag> TaggingWorker::tags_of(const std::vector<TagEvent>& events) const {
  RuleStates states;
  {
    core::MutexLock lock(states_mu_);
    states = states_;
  }
  const auto now = core::now_micros();
  const auto t = tagger();
  std::vector<store::TtpTag> tags;
  core::MutexLock lock(tagging_mu_);
  for (const auto& e : events) {
    auto more = t->tag(e, states, now);
    tags.insert(tags.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  }
  return tags;
}

void TaggingWorker::stage(std::vector<store::TtpTag> tags) {
  for (auto& t : tags) {
    if (t.confidence < store::kTagConfidenceFloor) continue;
    auto uuid = store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                        t.technique_id, t.sub_technique_id);
    // Written lately, or already waiting: an episode or a session seen again re-derives them.
    if (written_.contains(uuid) || !staged_uuids_.insert(uuid).second) continue;
    if (staged_.size() >= kMaxStagedTags) {
      staged_uuids_.erase(uuid);
      dropped_tags_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    staged_.push_back(std::move(t));
  }
}

void TaggingWorker::start_write() {
  if (writing_ || staged_.empty()) return;
  auto tags = std::make_shared<std::vector<store::TtpTag>>(std::move(staged_));
  staged_.clear();
  staged_uuids_.clear();
  writing_tags_ = tags;
  writing_ = repo_.write(
      [this, tags](store::WriteScope& scope) { return repo_.ttp().insert_tags(scope, *tags); });
}

void TaggingWorker::finish_write(bool wait) {
  if (!writing_) return;
  if (!wait && writing_->wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
  const auto tags = std::move(writing_tags_);
  std::vector<std::string> fresh;
  try {
    fresh = writing_->get();
  } catch (const std::exception& e) {
    writing_.reset();
    failures_.fetch_add(1, std::memory_order_relaxed);
    static core::LogLimiter limiter;
    limiter.error("ttp: {} tags not written: {}", tags->size(), e.what());
    return;
  }
  writing_.reset();
  std::vector<std::string> uuids;
  uuids.reserve(tags->size());
  for (const auto& t : *tags) {
    uuids.push_back(store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                            t.technique_id, t.sub_technique_id));
  }
  for (const auto& uuid : uuids) {
    if (!written_.insert(uuid).second) continue;
    written_order_.push_back(uuid);
    if (written_order_.size() > kWrittenRemembered) {
      written_.erase(written_order_.front());
      written_order_.pop_front();
    }
  }
  if (!fresh.empty()) announce(*tags, uuids, fresh);
}

void TaggingWorker::announce(const std::vector<store::TtpTag>& tags,
                             const std::vector<std::string>& uuids,
                             const std::vector<std::string>& fresh) {
  tags_.fetch_add(fresh.size(), std::memory_order_relaxed);
  const std::set<std::string> is_new(fresh.begin(), fresh.end());
  // Announced per anchor: who (attacker, identity) and where (session).
  using Anchor = std::tuple<std::optional<std::string>, std::optional<std::string>,
                            std::optional<std::string>>;
  std::map<Anchor, std::map<std::string, std::vector<std::string>>> by_anchor;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (!is_new.contains(uuids[i])) continue;
    const auto& t = tags[i];
    by_anchor[{t.attacker_uuid, t.identity_uuid, t.session_id}][t.technique_id].push_back(uuids[i]);
  }
  for (const auto& [anchor, by_technique] : by_anchor) {
    const auto& [attacker, identity, session] = anchor;
    auto techniques = nlohmann::json::array();
    auto tag_uuids = nlohmann::json::array();
    for (const auto& [technique, list] : by_technique) {
      techniques.push_back(technique);
      for (const auto& u : list) tag_uuids.push_back(u);
    }
    bus_.publish(topics::kTtpTaggedTopic,
                 {{"attacker_uuid", optional_json(attacker)},
                  {"identity_uuid", optional_json(identity)},
                  {"session_id", optional_json(session)},
                  {"tag_uuids", tag_uuids},
                  {"techniques_added", techniques}},
                 topics::kTtpTagged);
    for (const auto& [technique, list] : by_technique) {
      bus_.publish(topics::ttp_rule_fired(technique),
                   {{"technique_id", technique},
                    {"tag_uuids", list},
                    {"attacker_uuid", optional_json(attacker)},
                    {"identity_uuid", optional_json(identity)},
                    {"session_id", optional_json(session)}},
                   topics::kTtpRuleFired);
    }
  }
}

}  // namespace decnet::ttp
