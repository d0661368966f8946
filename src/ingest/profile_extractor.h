// Takes from a normalized event what the profiler needs (correlate::ProfileEvent), while the
// batch is prepared: the parsed line is at hand there, and the profiler later sees only bounded,
// owned copies of a few fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "correlate/profile_event.h"
#include "ingest/normalized_event.h"

namespace decnet::ingest {

// The User-Agent value of an emitter's headers parameter (a JSON object, or a Python dict's
// repr): found by its quoted name rather than by parsing the whole object, which every HTTP line
// would pay for. Empty when there is none.
std::string user_agent_in(std::string_view headers);

// nullopt for an event without an attacker address.
std::optional<correlate::ProfileEvent> profile_event_of(const NormalizedEvent& event,
                                                        std::int64_t received_at,
                                                        bool carried_credential);

}  // namespace decnet::ingest
