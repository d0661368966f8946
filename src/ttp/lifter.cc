#include "ttp/lifter.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>

#include "ttp/lifter_support.h"

namespace decnet::ttp {
namespace {

using lifters::LifterEntry;

std::vector<std::span<const LifterEntry>> families() {
  return {lifters::credential_lifters(), lifters::behavioural_lifters(),
          lifters::email_lifters(),      lifters::canary_lifters(),
          lifters::intel_lifters(),      lifters::network_lifters()};
}

}  // namespace

std::unique_ptr<Lifter> make_lifter(std::string_view kind, const nlohmann::json& params) {
  for (const auto family : families()) {
    for (const auto& entry : family) {
      if (entry.kind == kind) return entry.make(params);
    }
  }
  throw std::out_of_range("no lifter " + std::string(kind));
}

std::vector<std::string> lifter_kinds() {
  std::vector<std::string> out;
  for (const auto family : families()) {
    for (const auto& entry : family) out.emplace_back(entry.kind);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace lifters {

double param_number(const nlohmann::json& params, const char* key, double fallback) {
  const auto it = params.find(key);
  if (it == params.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw LifterParamError(key, "must be a number");
  const double value = it->get<double>();
  if (!(value >= 0.0)) throw LifterParamError(key, "must be zero or more");
  return value;
}

bool param_bool(const nlohmann::json& params, const char* key, bool fallback) {
  const auto it = params.find(key);
  if (it == params.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw LifterParamError(key, "must be true or false");
  return it->get<bool>();
}

std::vector<std::string> param_texts(const nlohmann::json& params, const char* key,
                                     std::vector<std::string> fallback) {
  const auto it = params.find(key);
  if (it == params.end() || it->is_null()) return fallback;
  if (!it->is_array()) throw LifterParamError(key, "must be a list");
  std::vector<std::string> out;
  for (const auto& item : *it) {
    if (!item.is_string()) throw LifterParamError(key, "must list text");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<double> number_at(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::optional<std::string> text_at(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

bool is_true(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  return it != payload.end() && it->is_boolean() && it->get<bool>();
}

bool is_false(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  return it != payload.end() && it->is_boolean() && !it->get<bool>();
}

std::vector<std::string> texts_at(const nlohmann::json& payload, const char* key) {
  std::vector<std::string> out;
  const auto it = payload.find(key);
  if (it == payload.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

bool icontains(std::string_view text, std::string_view word) {
  if (word.empty()) return true;
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < word.size() && std::tolower(static_cast<unsigned char>(text[i + j])) ==
                                  static_cast<unsigned char>(word[j])) {
      ++j;
    }
    if (j == word.size()) return true;
  }
  return false;
}

struct SearchExpression::Compiled {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Compiled() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

SearchExpression::SearchExpression(const std::string& pattern, const std::string& param)
    : pattern_(pattern), compiled_(std::make_unique<Compiled>()) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (!compiled_->code) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw LifterParamError(
        param, "'" + pattern + "' does not compile: " + reinterpret_cast<const char*>(message));
  }
  compiled_->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(compiled_->context, 100'000);
  pcre2_set_depth_limit(compiled_->context, 10'000);
}

SearchExpression::~SearchExpression() = default;
SearchExpression::SearchExpression(SearchExpression&&) noexcept = default;
SearchExpression& SearchExpression::operator=(SearchExpression&&) noexcept = default;

bool SearchExpression::found_in(std::string_view text) const {
  // Lifters run on whole sessions and mails, far less often than pattern rules on lines: the
  // match block is made per search, which keeps an expression usable from any thread.
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
  const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(text.data()),
                             text.size(), 0, 0, data, compiled_->context);
  pcre2_match_data_free(data);
  return rc >= 0;
}

std::vector<SearchExpression> expressions(const nlohmann::json& params, const char* key,
                                          std::vector<std::string> fallback) {
  std::vector<SearchExpression> out;
  for (const auto& pattern : param_texts(params, key, std::move(fallback))) {
    out.emplace_back(pattern, key);
  }
  return out;
}

}  // namespace lifters
}  // namespace decnet::ttp
