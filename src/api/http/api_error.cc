// Error mapping. The error id is 32 hex digits of a v4 UUID, as the reference answers, so an
// operator can grep the log for what a user reports.
#include "api/http/api_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/uuid.h"

namespace decnet::api {

ApiError::ApiError(int status_code, std::string msg, std::vector<FieldError> field_errors)
    : std::runtime_error(msg),
      status(status_code),
      message(std::move(msg)),
      fields(std::move(field_errors)) {}

Response ApiError::to_response() const {
  nlohmann::json body = {{"detail", message}};
  if (!fields.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : fields) list.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(list);
  }
  Response r = json(status, body);
  for (const auto& [name, value] : headers) r.headers[name] = value;
  return r;
}

ApiError bad_request(std::string message) {
  return ApiError(400, std::move(message));
}

ApiError unauthorized(std::string message) {
  ApiError e(401, std::move(message));
  e.headers["WWW-Authenticate"] = "Bearer";
  return e;
}

ApiError forbidden(std::string message) {
  return ApiError(403, std::move(message));
}
ApiError not_found(std::string message) {
  return ApiError(404, std::move(message));
}
ApiError conflict(std::string message) {
  return ApiError(409, std::move(message));
}

ApiError unsupported_media_type(std::string message) {
  return ApiError(415, std::move(message));
}

ApiError unprocessable(std::vector<FieldError> fields, std::string message) {
  return ApiError(422, std::move(message), std::move(fields));
}

ApiError unprocessable(std::string field, std::string field_message) {
  return unprocessable({FieldError{std::move(field), std::move(field_message)}});
}

ApiError too_many_requests(std::chrono::seconds retry_after, std::string message) {
  ApiError e(429, std::move(message));
  e.headers["Retry-After"] = std::to_string(std::max<std::int64_t>(1, retry_after.count()));
  return e;
}

ApiError service_unavailable(std::chrono::seconds retry_after, std::string message) {
  ApiError e(503, std::move(message));
  e.headers["Retry-After"] = std::to_string(std::max<std::int64_t>(1, retry_after.count()));
  return e;
}

Response internal_error(std::string_view what, std::string_view context) {
  const std::string id = core::random_hex_id();
  spdlog::error("api: internal error {} in {}: {}", id, context, what);
  return json(500, {{"detail", "internal error"}, {"error_id", id}});
}

}  // namespace decnet::api
