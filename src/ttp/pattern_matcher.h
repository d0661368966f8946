// The pattern rules of a pack, compiled once: PCRE2 with its JIT (the rules need inline flags
// and lookahead, which neither std::regex nor RE2 has), behind a literal prefilter. A text is
// scanned once for every rule's required literals; only the rules with one of theirs present
// run their expression, and a rule that declares no literal always runs. Matching allocates no
// memory per text beyond a reused match-data block, so one matcher serves one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ttp/rule.h"

namespace decnet::ttp {

// Why `pattern` does not compile, or nullopt when it does.
std::optional<std::string> pattern_error(const std::string& pattern);

class PatternMatcher {
 public:
  // Keeps pointers to the pattern rules of `rules`, which must outlive the matcher.
  explicit PatternMatcher(const std::vector<Rule>& rules);
  ~PatternMatcher();
  PatternMatcher(const PatternMatcher&) = delete;
  PatternMatcher& operator=(const PatternMatcher&) = delete;

  // The value of a payload field, or nullptr when the payload has none.
  using FieldOf = std::function<const std::string*(std::string_view field)>;
  // The rules for `source_kind` whose pattern matches its field of the payload, in rule order.
  std::vector<const Rule*> match(std::string_view source_kind, const FieldOf& field_of) const;
  // The same for one text, as if it were the rule's field (fixtures, benchmarks).
  std::vector<const Rule*> match_text(std::string_view source_kind, std::string_view text) const;

 private:
  struct Kind;
  const Kind* kind(std::string_view source_kind) const;
  std::vector<std::unique_ptr<Kind>> kinds_;
};

}  // namespace decnet::ttp
