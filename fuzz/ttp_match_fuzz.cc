// Fuzzes the ATT&CK pattern engine with the shipped pack over what attackers type and request:
// any bytes (invalid UTF-8 included) as a command, a URL and a User-Agent. Matching must never
// crash, and the literal prefilter must never hide a match: every rule the prefiltered engine
// fires is one the unfiltered engine fires, and the other way round.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_support.h"
#include "ttp/pattern_matcher.h"
#include "ttp/rule_loader.h"

namespace {

using decnet::ttp::PatternMatcher;
using decnet::ttp::Rule;

struct Engines {
  std::vector<Rule> rules = decnet::ttp::load_rule_directory(decnet::ttp::shipped_rule_directory());
  std::vector<Rule> unfiltered = [this] {
    auto copy = rules;
    for (auto& r : copy) r.literals.clear();
    return copy;
  }();
  PatternMatcher prefiltered{rules};
  PatternMatcher everything{unfiltered};
};

std::vector<std::string> ids(const std::vector<const Rule*>& hits) {
  std::vector<std::string> out;
  for (const auto* r : hits) out.push_back(r->rule_id);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Engines engines;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* kind : {"command", "http_request"}) {
    decnet::fuzz::check(ids(engines.prefiltered.match_text(kind, text)) ==
                        ids(engines.everything.match_text(kind, text)));
  }
  const auto field = [&](std::string_view) -> const std::string* { return &text; };
  decnet::fuzz::check(ids(engines.prefiltered.match("http_request", field)) ==
                      ids(engines.everything.match("http_request", field)));
  return 0;
}
