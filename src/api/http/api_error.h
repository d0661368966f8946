// The API's one error type. A handler (or the router) throws ApiError and the router turns it
// into the reference-compatible body `{"detail": message}`, plus `"errors": [{field, message}]`
// for validation failures (422), so clients and the dashboard parse one shape everywhere. Any
// other exception escaping a handler is an internal error: the client gets only a random
// error_id, the log gets the exception text under that id, and no stack trace, SQL or file path
// ever reaches a response.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"

namespace decnet::api {

struct FieldError {
  std::string field;
  std::string message;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message, std::vector<FieldError> fields = {});

  int status;
  std::string message;
  std::vector<FieldError> fields;
  HeaderMap headers;  // e.g. WWW-Authenticate, Retry-After, Allow

  Response to_response() const;
};

ApiError bad_request(std::string message);
// Adds `WWW-Authenticate: Bearer`.
ApiError unauthorized(std::string message = "Could not validate credentials");
ApiError forbidden(std::string message = "Insufficient permissions");
ApiError not_found(std::string message = "Not found");
ApiError conflict(std::string message);
ApiError unsupported_media_type(
    std::string message = "Unsupported Media Type - Content-Type must be application/json");
ApiError unprocessable(std::vector<FieldError> fields,
                       std::string message = "Invalid request parameters");
ApiError unprocessable(std::string field, std::string field_message);
// Adds `Retry-After: <seconds>` (at least 1).
ApiError too_many_requests(std::chrono::seconds retry_after,
                           std::string message = "Rate limit exceeded");

// 503 with `Retry-After: <seconds>` (at least 1): the server is busy, not broken.
ApiError service_unavailable(std::chrono::seconds retry_after, std::string message);

// 500 for an unexpected exception: logs `what` with a fresh error id at error level and
// answers {"detail":"internal error","error_id":id}.
Response internal_error(std::string_view what, std::string_view context);

}  // namespace decnet::api
