// Query-parameter helpers shared by the read routes. The router has already checked every
// declared parameter's type and bounds before a handler runs, so these only convert: the
// pagination pair every list declares, optional text filters (empty means "not given", as the
// dashboard sends `?service=` for "any"), RFC 3339 times, and reference-compatible aliases
// (`start_time` for `start`). A value the router cannot judge by type alone — a time that does
// not parse — is refused here with the same 422 shape, naming the parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/http_types.h"
#include "api/http/route_table.h"
#include "store/page.h"

namespace decnet::api {

// `limit` 1..1000 (default 50) and `offset` >= 0.
std::vector<QueryParam> page_params();
store::PageRequest page_request(const Request& req);

// A text filter of at most `max_length` characters.
QueryParam text_param(std::string name, std::string description, std::int64_t max_length = 256);
// An RFC 3339 time (validated by the handler through optional_time).
QueryParam time_param(std::string name, std::string description);

// The value of the first of `names` that is present and non-empty.
std::optional<std::string> optional_text(const Request& req,
                                         std::initializer_list<std::string_view> names);
// The first of `names` that is present and non-empty, parsed as RFC 3339 into epoch
// microseconds; throws a 422 naming that parameter when it does not parse.
std::optional<std::int64_t> optional_time(const Request& req,
                                          std::initializer_list<std::string_view> names);

// Lower-case hex of exactly `digits` characters, else nullopt.
std::optional<std::string> normalize_hex(std::string_view text, std::size_t digits);

}  // namespace decnet::api
