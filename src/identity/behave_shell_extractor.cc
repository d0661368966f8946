// The envelope shared by every primitive and the order they run in: the context is built once,
// then each domain (its own file) appends its observations in catalogue order.
#include "identity/behave_shell_extractor.h"

#include <cmath>

#include "core/hash.h"
#include "identity/behave_features.h"

namespace decnet::identity {

void ObservationList::add(std::string_view primitive, nlohmann::json value, double confidence) {
  out_.push_back({
      .primitive = std::string(primitive),
      .value = std::move(value),
      .confidence = confidence,
      .window_start = ctx_.t_start,
      .window_end = ctx_.t_end,
  });
}

bool near_edge(double value, std::initializer_list<double> edges) {
  for (const double edge : edges) {
    if (std::fabs(value - edge) <= 0.10 * edge) return true;
  }
  return false;
}

CommandWords::CommandWords(std::initializer_list<std::string_view> words) {
  for (const auto word : words) hashes_.insert(core::sha256_hex(word));
}

const CommandWords& cleanup_words() {
  static const CommandWords words{"history", "unset", "rm", "shred", "clear", "kill"};
  return words;
}

BehaveValueKind behave_value_kind(std::string_view primitive) {
  if (primitive == "motor.digraph_simhash") return BehaveValueKind::hash;
  if (primitive == "environmental.locale") return BehaveValueKind::free_string;
  return BehaveValueKind::categorical;
}

std::vector<BehaveObservation> extract_session(const std::vector<RecordedEvent>& events) {
  const SessionContext ctx = build_session_context(events);
  std::vector<BehaveObservation> observations;
  ObservationList out(ctx, observations);
  add_motor_observations(ctx, out);
  add_cognitive_observations(ctx, out);
  add_temporal_observations(ctx, out);
  add_environmental_observations(ctx, out);
  add_operational_observations(ctx, out);
  add_emotional_valence_observations(ctx, out);
  return observations;
}

std::string shard_evidence_ref(std::string_view decky, std::string_view service,
                               std::string_view shard_basename, std::string_view sid) {
  std::string ref = "shard:";
  ref.append(decky).append("/").append(service).append("/").append(shard_basename);
  ref.append("#").append(sid);
  return ref;
}

std::string session_evidence_ref(std::string_view sid) {
  return "session:" + std::string(sid);
}

}  // namespace decnet::identity
