#include "ttp/pattern_matcher.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

#include "ttp/literal_set.h"

namespace decnet::ttp {

// PCRE2 handles; named (not internal) because PatternMatcher::Kind holds them.
struct CodeDeleter {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};
struct MatchDataDeleter {
  void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};
struct ContextDeleter {
  void operator()(pcre2_match_context* context) const { pcre2_match_context_free(context); }
};
using Code = std::unique_ptr<pcre2_code, CodeDeleter>;

namespace {

// Backtracking is bounded so that no text an attacker sends can make a rule run for long.
constexpr std::uint32_t kMatchLimit = 100'000;
constexpr std::uint32_t kDepthLimit = 10'000;

Code compile(const std::string& pattern, std::string* error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  Code compiled(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                              PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr));
  if (!compiled && error) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(code, message, sizeof message);
    *error = std::string(reinterpret_cast<const char*>(message)) + " at offset " +
             std::to_string(offset);
  }
  return compiled;
}

}  // namespace

std::optional<std::string> pattern_error(const std::string& pattern) {
  std::string error;
  if (compile(pattern, &error)) return std::nullopt;
  return error;
}

struct PatternMatcher::Kind {
  struct Compiled {
    const Rule* rule;
    std::string field;
    Code code;
    std::vector<std::size_t> literals;  // numbers in `prefilter`; empty: always run
  };
  std::string name;
  std::vector<Compiled> rules;
  std::unique_ptr<LiteralSet> prefilter;
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> data{pcre2_match_data_create(1, nullptr)};
  std::unique_ptr<pcre2_match_context, ContextDeleter> context{pcre2_match_context_create(nullptr)};
  mutable std::vector<bool> found;

  bool matches(const Compiled& c, std::string_view text) const {
    if (!c.literals.empty() && std::none_of(c.literals.begin(), c.literals.end(),
                                            [&](std::size_t i) { return found[i]; })) {
      return false;
    }
    return pcre2_match(c.code.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                       data.get(), context.get()) >= 0;
  }
};

PatternMatcher::PatternMatcher(const std::vector<Rule>& rules) {
  for (const auto& rule : rules) {
    if (rule.is_lifter() || rule.pattern.empty()) continue;
    for (const auto& kind_name : rule.applies_to) {
      Kind* kind = nullptr;
      for (auto& k : kinds_) {
        if (k->name == kind_name) kind = k.get();
      }
      if (!kind) {
        kinds_.push_back(std::make_unique<Kind>());
        kind = kinds_.back().get();
        kind->name = kind_name;
        pcre2_set_match_limit(kind->context.get(), kMatchLimit);
        pcre2_set_depth_limit(kind->context.get(), kDepthLimit);
      }
      auto code = compile(rule.pattern, nullptr);
      if (!code) continue;  // refused at load; a rule built by hand with a bad pattern never fires
      pcre2_jit_compile(code.get(), PCRE2_JIT_COMPLETE);
      kind->rules.push_back(
          {&rule, rule.field.empty() ? default_field(kind_name) : rule.field, std::move(code), {}});
    }
  }
  for (auto& kind : kinds_) {
    std::vector<std::string> literals;
    for (auto& c : kind->rules) {
      for (const auto& literal : c.rule->literals) {
        c.literals.push_back(literals.size());
        literals.push_back(literal);
      }
    }
    kind->prefilter = std::make_unique<LiteralSet>(literals);
  }
}

PatternMatcher::~PatternMatcher() = default;

const PatternMatcher::Kind* PatternMatcher::kind(std::string_view source_kind) const {
  for (const auto& k : kinds_) {
    if (k->name == source_kind) return k.get();
  }
  return nullptr;
}

std::vector<const Rule*> PatternMatcher::match(std::string_view source_kind,
                                               const FieldOf& field_of) const {
  std::vector<const Rule*> out;
  const auto* kind = this->kind(source_kind);
  if (!kind) return out;
  // Rules of a kind mostly read one field: scan it for literals once.
  std::string_view scanned_field;
  const std::string* text = nullptr;
  for (const auto& c : kind->rules) {
    if (c.field != scanned_field) {
      scanned_field = c.field;
      text = field_of(c.field);
      kind->prefilter->find(text ? std::string_view(*text) : std::string_view(), kind->found);
    }
    if (text && kind->matches(c, *text)) out.push_back(c.rule);
  }
  return out;
}

std::vector<const Rule*> PatternMatcher::match_text(std::string_view source_kind,
                                                    std::string_view text) const {
  std::vector<const Rule*> out;
  const auto* kind = this->kind(source_kind);
  if (!kind) return out;
  kind->prefilter->find(text, kind->found);
  for (const auto& c : kind->rules) {
    if (kind->matches(c, text)) out.push_back(c.rule);
  }
  return out;
}

}  // namespace decnet::ttp
