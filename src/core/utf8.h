// UTF-8 as attackers send it. Every byte that reaches DECNET was chosen by someone hostile, and
// much of it ends up in JSON, which must be valid UTF-8: so text is decoded strictly (no
// overlong forms, no surrogates, nothing above U+10FFFF) and anything that does not decode is
// replaced by U+FFFD, never thrown on: one per maximal ill-formed subpart, as the Unicode
// standard recommends and nlohmann's replacing dump() does, so both writers agree byte for byte.
// One decoder serves the password policy, length limits, truncation and the JSON writers, so they
// cannot disagree.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::core {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Decodes the sequence starting at text[i] and advances i past it; nullopt when the bytes there
// are not a valid sequence, with i advanced past the maximal ill-formed subpart (at least one
// byte), which is what one U+FFFD stands for.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i);

bool is_valid_utf8(std::string_view text);

// Code points, counting each ill-formed subpart as one.
std::size_t utf8_length(std::string_view text);

// `text` with every ill-formed subpart replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

// The longest prefix of at most `max_bytes` bytes that does not end inside a sequence.
std::string_view truncate_utf8_bytes(std::string_view text, std::size_t max_bytes);

// The prefix holding the first `max_chars` code points (ill-formed subparts count as one).
std::string_view truncate_utf8_chars(std::string_view text, std::size_t max_chars);

}  // namespace decnet::core
