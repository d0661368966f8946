#include "webhook/webhook_url.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace decnet::webhook {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A last label that is a number (decimal, or 0x hex) makes the host an IPv4 address in URL
// parsers and in inet_aton(); only the canonical dotted quad is accepted as one.
bool looks_numeric(std::string_view label) {
  if (is_digits(label)) return true;
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    return std::all_of(label.begin() + 2, label.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  }
  return false;
}

bool valid_label(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (!is_digits(text) || text.size() > 5 || (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  const int value = std::stoi(std::string(text));
  if (value < 1 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool parse_host(std::string_view text, WebhookUrl& url, std::string& error) {
  if (text.empty()) {
    error = "URL has no host";
    return false;
  }
  std::string host;
  host.reserve(text.size());
  for (char c : text) host.push_back(lower(c));
  if (host.back() == '.') host.pop_back();  // the absolute form names the same host
  if (host.empty() || host.size() > 253) {
    error = "URL host is not a valid host name";
    return false;
  }
  std::vector<std::string_view> labels;
  std::string_view rest = host;
  while (true) {
    const auto dot = rest.find('.');
    labels.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (looks_numeric(labels.back())) {
    auto ip = core::IpAddress::parse(host);
    if (!ip || !ip->is_v4()) {
      error = "URL host '" + host +
              "' is a non-canonical IPv4 spelling; write the address as a dotted quad";
      return false;
    }
    url.literal = ip;
    url.host = ip->str();
    return true;
  }
  for (const auto label : labels) {
    if (!valid_label(label)) {
      error = "URL host '" + host + "' is not a valid host name";
      return false;
    }
  }
  url.host = std::move(host);
  return true;
}

}  // namespace

std::string WebhookUrl::str() const {
  std::string out = scheme + "://" + (literal && literal->is_v6() ? "[" + host + "]" : host);
  if (port != default_port()) out += ":" + std::to_string(port);
  return out + target;
}

std::string WebhookUrl::host_header() const {
  std::string out = literal && literal->is_v6() ? "[" + host + "]" : host;
  if (port != default_port()) out += ":" + std::to_string(port);
  return out;
}

std::optional<WebhookUrl> parse_webhook_url(std::string_view text, std::string& error) {
  if (text.size() > kMaxUrlLength) {
    error = "URL is longer than " + std::to_string(kMaxUrlLength) + " characters";
    return std::nullopt;
  }
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f) {
      error = "URL contains whitespace, control or non-ASCII characters";
      return std::nullopt;
    }
  }
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    error = "URL must start with http:// or https://";
    return std::nullopt;
  }
  WebhookUrl url;
  for (char c : text.substr(0, sep)) url.scheme.push_back(lower(c));
  if (url.scheme != "http" && url.scheme != "https") {
    error = "URL scheme '" + url.scheme + "' is not allowed; use http or https";
    return std::nullopt;
  }
  std::string_view rest = text.substr(sep + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const auto authority_end = rest.find_first_of("/?");
  const auto authority = rest.substr(0, authority_end);
  url.target =
      authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    error = "URL must not contain user information; authenticate with the signing secret";
    return std::nullopt;
  }
  std::string_view host_text;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "URL has an unterminated IPv6 address";
      return std::nullopt;
    }
    auto ip = core::IpAddress::parse(authority.substr(1, close - 1));
    if (!ip || !ip->is_v6()) {
      error = "URL host '" + std::string(authority.substr(0, close + 1)) +
              "' is not a valid IPv6 address";
      return std::nullopt;
    }
    url.literal = ip;
    url.host = ip->str();
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "URL has characters after the IPv6 address";
        return std::nullopt;
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    host_text = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (!parse_host(host_text, url, error)) return std::nullopt;
  }
  url.port = url.default_port();
  if (has_port) {
    const auto port = parse_port(port_text);
    if (!port) {
      error = "URL port '" + std::string(port_text) + "' is not a number from 1 to 65535";
      return std::nullopt;
    }
    url.port = *port;
  }
  return url;
}

}  // namespace decnet::webhook
