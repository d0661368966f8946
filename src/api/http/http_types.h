// What a route handler sees and returns, independent of the HTTP library: the server translates
// Beast messages into a Request and a Response back into bytes, so handlers and their tests
// never include Beast (and never pay for its templates). Query parameters are percent-decoded
// into a multi-map because some routes take a list (`?ids=a&ids=b`); header lookup ignores case
// as HTTP requires. A Response is either a complete body or, for Server-Sent Events, a stream
// that the server keeps writing until either side closes it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::api {

class EventStream;

struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using HeaderMap = std::map<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;                             // upper case, e.g. "GET"
  std::string target;                             // as received, path and query
  std::string path;                               // percent-encoded path without the query
  std::multimap<std::string, std::string> query;  // decoded
  HeaderMap headers;                              // repeated headers are joined with ", "
  std::string body;
  std::string peer_address;  // "127.0.0.1", "::1"
  std::uint16_t peer_port = 0;
  std::map<std::string, std::string, std::less<>> path_params;  // decoded, set by the router
  nlohmann::json json;  // the parsed body, set by the router for routes with json_body

  std::optional<std::string_view> header(std::string_view name) const;
  // The last value given for `name` (as most frameworks do for scalar parameters).
  std::optional<std::string_view> query_value(std::string_view name) const;
  std::vector<std::string> query_values(std::string_view name) const;
  std::int64_t query_int(std::string_view name, std::int64_t fallback) const;
  bool query_bool(std::string_view name, bool fallback) const;
  std::string query_string(std::string_view name, std::string fallback = {}) const;
  // A path parameter of the matched route; empty when the route has no such parameter.
  const std::string& param(std::string_view name) const;
  // The token of an `Authorization: Bearer <token>` header, if present.
  std::optional<std::string_view> bearer_token() const;

  // Fills target, path and query from a request target ("/a/b?x=1&y=%20").
  void set_target(std::string_view raw_target);
};

struct Response {
  int status = 200;
  HeaderMap headers;
  std::string body;
  std::string content_type = "application/json";
  std::shared_ptr<EventStream> event_stream;  // set: a text/event-stream response

  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response empty(int status = 204);
  static Response stream(std::shared_ptr<EventStream> stream);
};

Response json(int status, const nlohmann::json& body);

// "%41b+c" -> "Ab c" when `plus_is_space`; malformed escapes are kept as they are.
std::string percent_decode(std::string_view text, bool plus_is_space);
// Splits "a=1&b=&c" into {a:1, b:"", c:""}, decoding names and values.
std::multimap<std::string, std::string> parse_query(std::string_view query);

// Parses "true/false/1/0/yes/no/on/off" in any case.
std::optional<bool> parse_bool(std::string_view text);
// The whole text as a base-10 integer, nothing else.
std::optional<std::int64_t> parse_int(std::string_view text);

std::string_view reason_phrase(int status);

// `text` without CR and LF, so a value cannot end a header line or an event-stream field early.
std::string single_line(std::string_view text);

}  // namespace decnet::api
