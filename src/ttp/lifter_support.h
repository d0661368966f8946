// What the lifter families share: reading a rule's parameters (with their defaults, refusing
// what cannot be used) and a payload's fields (a field of the wrong type counts as absent, as
// an attacker controls most of them), a case-sensitive search expression, and the table each
// family registers its lifters in.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "ttp/lifter.h"

namespace decnet::ttp::lifters {

// Parameters.
double param_number(const nlohmann::json& params, const char* key, double fallback);
bool param_bool(const nlohmann::json& params, const char* key, bool fallback);
std::vector<std::string> param_texts(const nlohmann::json& params, const char* key,
                                     std::vector<std::string> fallback);

// Payload fields.
std::optional<double> number_at(const nlohmann::json& payload, const char* key);
std::optional<std::string> text_at(const nlohmann::json& payload, const char* key);  // non-empty
bool is_true(const nlohmann::json& payload, const char* key);
bool is_false(const nlohmann::json& payload, const char* key);  // present and false
std::vector<std::string> texts_at(const nlohmann::json& payload, const char* key);
bool icontains(std::string_view text, std::string_view word);  // `word` lowercase

// A PCRE2 expression searched anywhere in a text (unanchored, case-sensitive unless it says
// (?i)), with the pattern engine's backtracking limits. Throws LifterParamError naming `param`
// when it does not compile.
class SearchExpression {
 public:
  SearchExpression(const std::string& pattern, const std::string& param);
  ~SearchExpression();
  SearchExpression(SearchExpression&&) noexcept;
  SearchExpression& operator=(SearchExpression&&) noexcept;
  bool found_in(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};
std::vector<SearchExpression> expressions(const nlohmann::json& params, const char* key,
                                          std::vector<std::string> fallback);

using LifterFactory = std::unique_ptr<Lifter> (*)(const nlohmann::json& params);
struct LifterEntry {
  std::string_view kind;
  LifterFactory make;
};
std::span<const LifterEntry> credential_lifters();
std::span<const LifterEntry> behavioural_lifters();
std::span<const LifterEntry> email_lifters();
std::span<const LifterEntry> canary_lifters();
std::span<const LifterEntry> intel_lifters();
std::span<const LifterEntry> network_lifters();

// A lifter made of one function of (parameters, payload): most are.
template <typename Params>
class FunctionLifter final : public Lifter {
 public:
  using Fn = std::optional<nlohmann::json> (*)(const Params&, const nlohmann::json& payload);
  FunctionLifter(Params params, Fn fn) : params_(std::move(params)), fn_(fn) {}
  std::vector<Firing> fire(const nlohmann::json& payload) const override {
    auto extras = fn_(params_, payload);
    if (!extras) return {};
    return {Firing{std::nullopt, 1.0, std::move(*extras)}};
  }

 private:
  Params params_;
  Fn fn_;
};

// The parameters of a lifter that takes none.
struct NoParams {};

template <typename Params>
std::unique_ptr<Lifter> make_lifter(Params params, typename FunctionLifter<Params>::Fn fn) {
  return std::make_unique<FunctionLifter<Params>>(std::move(params), fn);
}

}  // namespace decnet::ttp::lifters
