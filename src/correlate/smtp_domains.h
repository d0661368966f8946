// Which mail domains an attacker tried to reach through an SMTP decky. Only the domain is kept:
// local parts are personal data of the victims, and the domain is what tells an operator who
// is being targeted (and lets sensors compare notes without sharing identities).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::correlate {

// The lower-cased domain of the first address in `text` (`<a@b.com>`, `RCPT TO:<a@b.com>`,
// `A@B.COM`), or nullopt when there is none or it is a reserved TLD (invalid, test, localhost,
// local, example).
std::optional<std::string> recipient_domain(std::string_view text);

// Domains of a comma-separated recipient list, in first-seen order, without duplicates.
std::vector<std::string> recipient_domains(std::string_view list);

}  // namespace decnet::correlate
