// Lifters: the rules that are not one regular expression over one field. A lifter rule names its
// predicate with `match.kind: lifter:<family>_<name>`, and the rest of its `match` mapping are
// that predicate's parameters (thresholds, keyword lists, catalogues). A predicate reads the
// fields of one event's payload and says whether the rule fires and with what extra evidence.
//
// Parameters are checked when the rule is loaded, so a pack with a misspelt lifter or a bad
// threshold is refused with the file and line, and a rule can never be loaded that no producer
// could ever fire (the reference's R0030).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::ttp {

// One firing of a lifter rule. Most fire the rule's every emit; an intel lifter names the
// technique a provider's signal maps to and scales the rule's confidence by how sure the
// provider is.
struct Firing {
  std::optional<std::string> technique_id;  // only the emits of this parent technique; all: nullopt
  double multiplier = 1.0;
  nlohmann::json extras = nlohmann::json::object();  // evidence the predicate adds
};

class Lifter {
 public:
  virtual ~Lifter() = default;
  // Empty when the rule does not fire on this payload.
  virtual std::vector<Firing> fire(const nlohmann::json& payload) const = 0;
};

// A parameter a lifter cannot use: which one and why.
class LifterParamError : public std::invalid_argument {
 public:
  LifterParamError(std::string param, const std::string& message)
      : std::invalid_argument(param + ": " + message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// The lifter `kind` ("lifter:credential_brute_force") built with `params` (the rule's `match`
// mapping). Throws LifterParamError for a bad parameter and std::out_of_range for an unknown kind.
std::unique_ptr<Lifter> make_lifter(std::string_view kind, const nlohmann::json& params);
// Every lifter kind this build knows, sorted.
std::vector<std::string> lifter_kinds();

}  // namespace decnet::ttp
