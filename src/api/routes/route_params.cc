// Conversions only: bounds were enforced by the router from the declarations made here.
#include "api/routes/route_params.h"

#include "api/http/api_error.h"
#include "core/time.h"

namespace decnet::api {

std::vector<QueryParam> page_params() {
  return {{.name = "limit",
           .type = ParamType::kInt,
           .min = 1,
           .max = store::kMaxLimit,
           .description = "Rows per page",
           .default_value = store::kDefaultLimit},
          {.name = "offset",
           .type = ParamType::kInt,
           .min = 0,
           .max = std::int64_t{2147483647},
           .description = "Rows to skip",
           .default_value = 0}};
}

store::PageRequest page_request(const Request& req) {
  return store::PageRequest{req.query_int("limit", store::kDefaultLimit),
                            req.query_int("offset", 0)}
      .clamped();
}

QueryParam text_param(std::string name, std::string description, std::int64_t max_length) {
  return {.name = std::move(name),
          .type = ParamType::kString,
          .max = max_length,
          .description = std::move(description)};
}

QueryParam time_param(std::string name, std::string description) {
  return {.name = std::move(name),
          .type = ParamType::kString,
          .max = 64,
          .description = std::move(description) + " (RFC 3339)"};
}

std::optional<std::string> optional_text(const Request& req,
                                         std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    const auto value = req.query_value(name);
    if (value && !value->empty()) return std::string(*value);
  }
  return std::nullopt;
}

std::optional<std::int64_t> optional_time(const Request& req,
                                          std::initializer_list<std::string_view> names) {
  for (const auto name : names) {
    const auto value = req.query_value(name);
    if (!value || value->empty()) continue;
    const auto parsed = core::parse_rfc3339(*value);
    if (!parsed) {
      throw unprocessable(std::string(name), "must be an RFC 3339 time, e.g. 2026-01-02T03:04:05Z");
    }
    return parsed->micros_utc;
  }
  return std::nullopt;
}

std::optional<std::string> normalize_hex(std::string_view text, std::size_t digits) {
  if (text.size() != digits) return std::nullopt;
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return out;
}

}  // namespace decnet::api
