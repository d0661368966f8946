// Request and Response helpers: target parsing with percent-decoding, typed query accessors
// (the router has already validated what a route declares, so fallbacks apply only to absent
// parameters) and the JSON response shortcut.
#include "api/http/http_types.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/http/event_stream.h"
#include "core/json_text.h"
#include "core/text.h"

namespace decnet::api {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

const std::string kEmpty;

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = core::hex_digit_value(text[i + 1]);
      const int lo = core::hex_digit_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::multimap<std::string, std::string> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace(percent_decode(pair, true), std::string{});
    } else {
      out.emplace(percent_decode(pair.substr(0, eq), true),
                  percent_decode(pair.substr(eq + 1), true));
    }
  }
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), lower);
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || begin == ptr) return std::nullopt;
  return value;
}

void Request::set_target(std::string_view raw_target) {
  target = std::string(raw_target);
  const auto q = raw_target.find('?');
  path = std::string(raw_target.substr(0, q));
  query.clear();
  if (q != std::string_view::npos) query = parse_query(raw_target.substr(q + 1));
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  const auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> Request::query_value(std::string_view name) const {
  const auto [first, last] = query.equal_range(std::string(name));
  if (first == last) return std::nullopt;
  return std::string_view(std::prev(last)->second);
}

std::vector<std::string> Request::query_values(std::string_view name) const {
  std::vector<std::string> out;
  const auto [first, last] = query.equal_range(std::string(name));
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

std::int64_t Request::query_int(std::string_view name, std::int64_t fallback) const {
  const auto v = query_value(name);
  if (!v) return fallback;
  return parse_int(*v).value_or(fallback);
}

bool Request::query_bool(std::string_view name, bool fallback) const {
  const auto v = query_value(name);
  if (!v) return fallback;
  return parse_bool(*v).value_or(fallback);
}

std::string Request::query_string(std::string_view name, std::string fallback) const {
  const auto v = query_value(name);
  return v ? std::string(*v) : std::move(fallback);
}

const std::string& Request::param(std::string_view name) const {
  const auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string_view> Request::bearer_token() const {
  const auto value = header("Authorization");
  if (!value || value->size() < 7) return std::nullopt;
  const std::string_view scheme = value->substr(0, 7);
  if (!std::equal(scheme.begin(), scheme.end(), "bearer ",
                  [](char a, char b) { return lower(a) == b; })) {
    return std::nullopt;
  }
  std::string_view token = value->substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  r.content_type.clear();
  return r;
}

Response Response::stream(std::shared_ptr<EventStream> stream) {
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.headers["Cache-Control"] = "no-cache";
  r.headers["X-Accel-Buffering"] = "no";
  r.event_stream = std::move(stream);
  return r;
}

Response json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = core::json_text(body);
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string single_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

}  // namespace decnet::api
