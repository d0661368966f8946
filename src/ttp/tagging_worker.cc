#include "ttp/tagging_worker.h"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "bus/topics.h"
#include "core/log_limiter.h"
#include "core/time.h"
#include "ttp/command_tagger.h"
#include "ttp/rule_loader.h"

namespace decnet::ttp {
namespace {

namespace topics = bus::topics;

std::optional<std::string> text_at(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace

TaggingWorker::TaggingWorker(store::Repository& repo, bus::Bus& bus, std::filesystem::path dir,
                             std::vector<Rule> rules)
    : repo_(repo),
      bus_(bus),
      dir_(std::move(dir)),
      pack_(std::make_shared<const Pack>(std::move(rules))) {}

std::shared_ptr<const TaggingWorker::Pack> TaggingWorker::pack() const {
  core::MutexLock lock(pack_mu_);
  return pack_;
}

void TaggingWorker::reload_rules() {
  try {
    auto next = std::make_shared<const Pack>(load_rule_directory(dir_));
    spdlog::info("ttp: rules reloaded from {}: {} rules", dir_.string(), next->rules.size());
    {
      core::MutexLock lock(pack_mu_);
      pack_ = std::move(next);
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
  state_changes_ =
      bus_.subscribe(std::string(topics::kTtp) + ".rule.state.>",
                     [this](const bus::Event&) { reload_states(); }, {.name = "ttp-rule-state"});
  sessions_ = bus_.subscribe(topics::kAttackerSessionEndedTopic,
                             [this](const bus::Event& e) { tag_session(e.payload); },
                             {.name = "ttp-sessions", .queue_capacity = 16384});
}

void TaggingWorker::stop() {
  watcher_.reset();
  sessions_.unsubscribe();
  state_changes_.unsubscribe();
}

nlohmann::json TaggingWorker::health() const {
  return {{"rules", pack()->rules.size()},
          {"rule_reloads", reloads_.load()},
          {"rule_reloads_refused", refused_reloads_.load()},
          {"commands_tagged", commands_.load()},
          {"tags_written", tags_.load()},
          {"write_failures", failures_.load()}};
}

std::vector<store::TtpTag> TaggingWorker::tags_of(const SessionCommands& session) const {
  RuleStates states;
  {
    core::MutexLock lock(states_mu_);
    states = states_;
  }
  const auto now = core::now_micros();
  const auto rules = pack();
  std::vector<store::TtpTag> tags;
  for (std::size_t i = 0; i < session.commands.size(); ++i) {
    CommandEvent e;
    e.source_id = session.session_uuid + "#" + std::to_string(i);
    e.attacker_uuid = session.attacker_uuid;
    e.session_id = session.session_uuid;
    e.decky_id = session.decky;
    e.service = session.service;
    e.command_text = session.commands[i].first;
    e.at = session.commands[i].second;
    if (e.command_text.empty()) continue;
    auto more = tag_command(rules->matcher, e, states, now);
    tags.insert(tags.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  }
  return tags;
}

std::size_t TaggingWorker::tag_session(const nlohmann::json& payload) {
  const auto attacker = text_at(payload, "attacker_uuid");
  const auto session = text_at(payload, "session_uuid");
  const auto commands = payload.find("commands");
  if (!attacker || !session || commands == payload.end() || !commands->is_array()) return 0;
  SessionCommands sc{
      *attacker, *session, text_at(payload, "decky_id"), text_at(payload, "service"), {}};
  for (const auto& c : *commands) {
    // Positions count every element, so a source id names the same command however it is read.
    std::pair<std::string, std::int64_t> entry;
    if (c.is_object()) {
      entry.first = text_at(c, "command_text").value_or("");
      if (const auto ts = text_at(c, "ts")) {
        if (const auto parsed = core::parse_rfc3339(*ts)) entry.second = parsed->micros_utc;
      }
    }
    sc.commands.push_back(std::move(entry));
  }
  const auto n = sc.commands.size();
  auto tags = tags_of(sc);
  commands_.fetch_add(n, std::memory_order_relaxed);
  if (tags.empty()) return 0;
  std::vector<std::string> fresh;
  try {
    fresh = repo_.write_now(
        [&](store::WriteScope& scope) { return repo_.ttp().insert_tags(scope, tags); });
  } catch (const std::exception& e) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    static core::LogLimiter limiter;
    limiter.error("ttp: tags of session {} not written: {}", *session, e.what());
    return 0;
  }
  if (fresh.empty()) return 0;  // a replay: nothing new, nothing published
  tags_.fetch_add(fresh.size(), std::memory_order_relaxed);
  const std::set<std::string> is_new(fresh.begin(), fresh.end());
  std::map<std::string, std::vector<std::string>> by_technique;
  for (const auto& t : tags) {
    const auto uuid = store::compute_tag_uuid(t.source_kind, t.source_id, t.rule_id, t.rule_version,
                                              t.technique_id, t.sub_technique_id);
    if (is_new.contains(uuid)) by_technique[t.technique_id].push_back(uuid);
  }
  auto techniques = nlohmann::json::array();
  for (const auto& [technique, _] : by_technique) techniques.push_back(technique);
  bus_.publish(topics::kTtpTaggedTopic,
               {{"attacker_uuid", *attacker},
                {"identity_uuid", nullptr},
                {"session_id", *session},
                {"tag_uuids", fresh},
                {"techniques_added", techniques}},
               topics::kTtpTagged);
  for (const auto& [technique, uuids] : by_technique) {
    bus_.publish(topics::ttp_rule_fired(technique),
                 {{"technique_id", technique},
                  {"tag_uuids", uuids},
                  {"attacker_uuid", *attacker},
                  {"identity_uuid", nullptr},
                  {"session_id", *session}},
                 topics::kTtpRuleFired);
  }
  return fresh.size();
}

}  // namespace decnet::ttp
