// The one way DECNET turns JSON into text. Attacker-chosen strings (usernames, passwords,
// hostnames, commands) reach almost every body we write, and nlohmann's plain dump() throws on
// invalid UTF-8, which turned one hostile login into a permanent 500. json_text() replaces
// instead of throwing, and append_json_string() is the same escaping for the hand-written
// writers of hot pages. Nothing in src/ calls dump() directly (a test enforces it).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace decnet::core {

// Compact JSON; invalid UTF-8 in any string becomes U+FFFD.
std::string json_text(const nlohmann::json& value);
// Indented by `indent` spaces, for files people read.
std::string json_text_pretty(const nlohmann::json& value, int indent = 2);

// Appends `text` as a quoted JSON string: `"`, `\` and control characters escaped, valid UTF-8
// copied as is, each ill-formed subpart replaced by U+FFFD (exactly as json_text() does).
void append_json_string(std::string& out, std::string_view text);

}  // namespace decnet::core
