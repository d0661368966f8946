// Matching walks the table and keeps the most specific pattern: comparing segment by segment
// from the left, a literal beats a parameter, so `/attackers/export` wins over
// `/attackers/{uuid}` whatever the registration order. The table holds tens of routes; a linear
// scan costs less than the JSON encoding of any response.
#include "api/http/route_table.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "api/http/api_error.h"
#include "core/utf8.h"
#include "core/uuid.h"
#include "store/query_deadline.h"
#include "store/store_error.h"

namespace decnet::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::optional<std::string> check_query_value(const QueryParam& spec, std::string_view value) {
  switch (spec.type) {
    case ParamType::kInt: {
      const auto v = parse_int(value);
      if (!v) return "must be an integer";
      if ((spec.min && *v < *spec.min) || (spec.max && *v > *spec.max)) {
        if (spec.min && spec.max) {
          return "must be between " + std::to_string(*spec.min) + " and " +
                 std::to_string(*spec.max);
        }
        if (spec.min) return "must be at least " + std::to_string(*spec.min);
        return "must be at most " + std::to_string(*spec.max);
      }
      return std::nullopt;
    }
    case ParamType::kBool:
      if (!parse_bool(value)) return "must be a boolean (true or false)";
      return std::nullopt;
    case ParamType::kEnum:
      if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
        return "must be one of: " + join(spec.choices, ", ");
      }
      return std::nullopt;
    case ParamType::kString: {
      const auto len = static_cast<std::int64_t>(core::utf8_length(value));
      if (spec.min && len < *spec.min) {
        return "must be at least " + std::to_string(*spec.min) + " characters";
      }
      if (spec.max && len > *spec.max) {
        return "must be at most " + std::to_string(*spec.max) + " characters";
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool is_json_content_type(std::string_view ct) {
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (ct.size() < kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(ct[i])) != kJson[i]) return false;
  }
  return ct.size() == kJson.size() || ct[kJson.size()] == ';' || ct[kJson.size()] == ' ';
}

}  // namespace

std::string_view to_string(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kAuthenticated:
      return "authenticated";
    case Access::kViewer:
      return "viewer";
    case Access::kAdmin:
      return "admin";
  }
  return "unknown";
}

bool is_uuid_param(std::string_view name) {
  return name == "uuid" || (name.size() > 5 && name.substr(name.size() - 5) == "_uuid");
}

struct Router::Compiled {
  struct Segment {
    std::string text;  // literal, or the parameter name
    bool param = false;
  };
  std::vector<Segment> segments;

  bool same_shape(const Compiled& other) const {
    if (segments.size() != other.segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const auto& a = segments[i];
      const auto& b = other.segments[i];
      if (a.param != b.param || (!a.param && a.text != b.text)) return false;
    }
    return true;
  }

  bool matches(const std::vector<std::string_view>& parts) const {
    if (parts.size() != segments.size()) return false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (segments[i].param) {
        if (parts[i].empty()) return false;
      } else if (segments[i].text != parts[i]) {
        return false;
      }
    }
    return true;
  }

  // True when this pattern is more specific than `other` (both matching the same path).
  bool beats(const Compiled& other) const {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (segments[i].param != other.segments[i].param) return !segments[i].param;
    }
    return false;
  }
};

Router::Router(Authenticator* authenticator) : authenticator_(authenticator) {}
Router::~Router() = default;

void Router::add(Route route) {
  if (!route.handler) throw std::invalid_argument("route " + route.path + " has no handler");
  if (route.method.empty()) throw std::invalid_argument("route " + route.path + " has no method");
  std::transform(route.method.begin(), route.method.end(), route.method.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  if (route.path.empty() || route.path.front() != '/') {
    throw std::invalid_argument("route path must start with '/': " + route.path);
  }
  auto compiled = std::make_unique<Compiled>();
  std::set<std::string> names;
  for (const auto part : split_path(route.path)) {
    Compiled::Segment seg;
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      seg.param = true;
      seg.text = std::string(part.substr(1, part.size() - 2));
      if (seg.text.empty() || !names.insert(seg.text).second) {
        throw std::invalid_argument("bad or repeated parameter in route " + route.path);
      }
    } else {
      if (part.find_first_of("{}") != std::string_view::npos) {
        throw std::invalid_argument("parameter must be a whole segment in route " + route.path);
      }
      seg.text = std::string(part);
    }
    compiled->segments.push_back(std::move(seg));
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == route.method && compiled_[i]->same_shape(*compiled)) {
      throw std::invalid_argument("duplicate route " + route.method + " " + route.path +
                                  " (already " + routes_[i].path + ")");
    }
  }
  std::set<std::string> query_names;
  for (const auto& q : route.query) {
    if (q.name.empty() || !query_names.insert(q.name).second) {
      throw std::invalid_argument("bad or repeated query parameter in route " + route.path);
    }
  }
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

const Route* Router::match(const Request& request, std::string* allow, bool* path_known,
                           std::map<std::string, std::string, std::less<>>* params) const {
  const auto parts = split_path(request.path);
  const Compiled* best = nullptr;
  const Route* best_route = nullptr;
  const Compiled* best_any = nullptr;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Compiled& c = *compiled_[i];
    if (!c.matches(parts)) continue;
    if (!best_any || c.beats(*best_any)) best_any = &c;
    if (routes_[i].method != request.method) continue;
    if (!best || c.beats(*best)) {
      best = &c;
      best_route = &routes_[i];
    }
  }
  *path_known = best_any != nullptr;
  if (!best_route) {
    if (best_any) {
      // Allow: the methods of every pattern that matches this path.
      std::set<std::string> methods;
      for (std::size_t i = 0; i < routes_.size(); ++i) {
        if (compiled_[i]->matches(parts)) methods.insert(routes_[i].method);
      }
      *allow = join(std::vector<std::string>(methods.begin(), methods.end()), ", ");
    }
    return nullptr;
  }
  for (std::size_t i = 0; params && i < parts.size(); ++i) {
    if (best->segments[i].param) {
      (*params)[best->segments[i].text] = percent_decode(parts[i], false);
    }
  }
  return best_route;
}

Lane Router::lane_of(const Request& request) const {
  std::string allow;
  bool path_known = false;
  const Route* route = match(request, &allow, &path_known, nullptr);
  return route ? route->lane : Lane::kFast;
}

// API answers carry tokens, user records and attacker data for one user at one moment: no
// browser or proxy may keep them. Routes that know better (the event stream) set their own.
Router::Outcome Router::handle(Request& request) const {
  auto out = dispatch(request);
  if (out.route != "static" &&
      out.response.headers.find("Cache-Control") == out.response.headers.end()) {
    out.response.headers["Cache-Control"] = "no-store";
  }
  return out;
}

Router::Outcome Router::dispatch(Request& request) const {
  Outcome out;
  const Route* route = nullptr;
  try {
    std::string allow;
    bool path_known = false;
    std::map<std::string, std::string, std::less<>> params;
    route = match(request, &allow, &path_known, &params);
    if (!route) {
      if (path_known) {
        ApiError e(405, "Method Not Allowed");
        e.headers["Allow"] = allow;
        out.response = e.to_response();
        return out;
      }
      if (fallback_) {
        if (auto answer = fallback_(request)) {
          out.response = std::move(*answer);
          out.route = "static";
          return out;
        }
      }
      out.response = not_found("Not Found").to_response();
      return out;
    }
    out.route = route->path;
    request.path_params = std::move(params);

    if (route->json_body && !request.body.empty() &&
        !is_json_content_type(request.header("Content-Type").value_or(""))) {
      throw unsupported_media_type();
    }

    std::optional<Principal> principal;
    if (route->access != Access::kPublic) {
      const auto token = request.bearer_token();
      if (!token) throw unauthorized("Not authenticated");
      if (!authenticator_) throw unauthorized();
      AuthFailure failure;
      principal = authenticator_->authenticate(*token, &failure);
      out.authenticated = principal.has_value();
      if (!principal) {
        spdlog::debug("api: token refused for {} {}: {}", request.method, route->path,
                      failure.reason);
        throw unauthorized();
      }
      if (principal->must_change_password && !route->allowed_while_must_change_password) {
        throw forbidden("password change required");
      }
      if (route->access == Access::kAdmin && principal->role != Role::kAdmin) throw forbidden();
    }

    std::vector<FieldError> errors;
    for (auto& [name, value] : request.path_params) {
      if (!is_uuid_param(name)) continue;
      const auto uuid = core::Uuid::parse(value);
      if (!uuid) {
        errors.push_back({name, "must be a UUID"});
      } else {
        value = uuid->str();
      }
    }
    for (const auto& spec : route->query) {
      const auto [first, last] = request.query.equal_range(spec.name);
      if (first == last) {
        if (spec.required) errors.push_back({spec.name, "is required"});
        continue;
      }
      for (auto it = first; it != last; ++it) {
        if (auto problem = check_query_value(spec, it->second)) {
          errors.push_back({spec.name, std::move(*problem)});
          break;
        }
      }
    }
    if (!errors.empty()) throw unprocessable(std::move(errors));

    if (route->json_body) {
      if (request.body.empty()) throw bad_request("request body is required");
      request.json = nlohmann::json::parse(request.body, nullptr, false);
      if (request.json.is_discarded()) {
        request.json = nullptr;
        throw bad_request("malformed JSON body");
      }
    }

    std::optional<store::QueryDeadline> deadline;
    if (route->lane == Lane::kQuery && query_timeout_.count() > 0) deadline.emplace(query_timeout_);
    out.response = route->handler(request, principal ? &*principal : nullptr);
  } catch (const ApiError& e) {
    out.response = e.to_response();
  } catch (const store::StoreError& e) {
    if (e.kind() != store::StoreError::Kind::kTimeout) {
      out.response =
          internal_error(e.what(), request.method + " " + (route ? route->path : std::string("?")));
    } else {
      out.response = service_unavailable(std::chrono::seconds(1),
                                         "The query took longer than its time budget; narrow it "
                                         "or retry")
                         .to_response();
    }
  } catch (const std::exception& e) {
    out.response =
        internal_error(e.what(), request.method + " " + (route ? route->path : std::string("?")));
  } catch (...) {
    out.response = internal_error("unknown exception",
                                  request.method + " " + (route ? route->path : std::string("?")));
  }
  return out;
}

}  // namespace decnet::api
