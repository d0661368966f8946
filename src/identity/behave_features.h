// The BEHAVE-SHELL primitives, one function per domain, each appending its observations to
// the session's list in catalogue order. Shared here: the observation envelope every family
// fills the same way, the "near a bucket edge" confidence rule, and vocabularies of command
// words matched by hash (the extractor never holds a command's text, only the SHA-256 of its
// first word).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "identity/behave_shell_extractor.h"
#include "identity/session_context.h"

namespace decnet::identity {

// Below this many commands (failed commands, for the error-resilience primitives) a primitive
// reports with reduced confidence.
inline constexpr std::size_t kFullConfidenceCommands = 5;

class ObservationList {
 public:
  ObservationList(const SessionContext& ctx, std::vector<BehaveObservation>& out)
      : ctx_(ctx), out_(out) {}

  void add(std::string_view primitive, nlohmann::json value, double confidence);

 private:
  const SessionContext& ctx_;
  std::vector<BehaveObservation>& out_;
};

// True if `value` lies within 10 % (of the edge) of any of `edges`: a classification that
// close to a boundary is reported with less confidence.
bool near_edge(double value, std::initializer_list<double> edges);

// Command words, held as the SHA-256 of each so they can be compared with
// ShellCommand::first_token_sha256.
class CommandWords {
 public:
  CommandWords(std::initializer_list<std::string_view> words);
  bool contains(const std::string& token_sha256) const { return hashes_.count(token_sha256) > 0; }

 private:
  std::unordered_set<std::string> hashes_;
};

// Shared by temporal.lifecycle_markers.exit_behavior and the operational primitives.
const CommandWords& cleanup_words();

void add_motor_observations(const SessionContext& ctx, ObservationList& out);
void add_cognitive_observations(const SessionContext& ctx, ObservationList& out);
void add_temporal_observations(const SessionContext& ctx, ObservationList& out);
void add_environmental_observations(const SessionContext& ctx, ObservationList& out);
void add_operational_observations(const SessionContext& ctx, ObservationList& out);
void add_emotional_valence_observations(const SessionContext& ctx, ObservationList& out);

}  // namespace decnet::identity
