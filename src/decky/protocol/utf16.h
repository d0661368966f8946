// UTF-16LE, the text of Microsoft's wire formats (TDS logins, NTLMSSP names), to and from the
// UTF-8 the decky's lines carry.
#pragma once

#include <string>
#include <string_view>

namespace decnet::decky {

// An odd trailing byte is dropped; an unpaired surrogate becomes U+FFFD.
std::string utf16le_to_utf8(std::string_view bytes);
// UTF-8 to UTF-16LE, for the names and messages a decky writes; a byte that does not start a
// valid sequence becomes '?'.
std::string utf8_to_utf16le(std::string_view text);

}  // namespace decnet::decky
