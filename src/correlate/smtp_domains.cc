#include "correlate/smtp_domains.h"

#include <algorithm>
#include <array>

namespace decnet::correlate {
namespace {

bool is_local_char(char c) {
  return c != '<' && c != '>' && c != '@' && c != ' ' && c != '\t' && c != '\r' && c != '\n';
}

bool is_domain_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '.' || c == '-';
}

bool reserved_tld(std::string_view tld) {
  static constexpr std::array<std::string_view, 5> kReserved = {"invalid", "test", "localhost",
                                                                "local", "example"};
  return std::find(kReserved.begin(), kReserved.end(), tld) != kReserved.end();
}

// Checks `domain` has a dot and a final label of at least two letters; returns the longest
// prefix of it that does (a trailing run of other characters is not part of the address).
std::optional<std::string> valid_domain(std::string_view domain) {
  while (!domain.empty()) {
    const auto dot = domain.rfind('.');
    if (dot != std::string_view::npos && dot > 0) {
      const auto tld = domain.substr(dot + 1);
      if (tld.size() >= 2 && std::all_of(tld.begin(), tld.end(), [](char c) {
            return std::isalpha(static_cast<unsigned char>(c));
          })) {
        std::string out(domain);
        std::transform(out.begin(), out.end(), out.begin(), [](char c) {
          return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        return out;
      }
    }
    domain.remove_suffix(1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> recipient_domain(std::string_view text) {
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    if (at == 0 || !is_local_char(text[at - 1])) continue;  // needs a local part
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(text[end])) ++end;
    auto domain = valid_domain(text.substr(at + 1, end - at - 1));
    if (!domain) continue;
    while (!domain->empty() && domain->back() == '.') domain->pop_back();
    while (!domain->empty() && domain->front() == '.') domain->erase(0, 1);
    const auto last_dot = domain->rfind('.');
    const auto tld = last_dot == std::string::npos ? std::string_view(*domain)
                                                   : std::string_view(*domain).substr(last_dot + 1);
    if (reserved_tld(tld)) return std::nullopt;
    return domain;
  }
  return std::nullopt;
}

std::vector<std::string> recipient_domains(std::string_view list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto part = list.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (auto domain = recipient_domain(part)) {
      if (std::find(out.begin(), out.end(), *domain) == out.end()) out.push_back(*domain);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace decnet::correlate
