#include "decky/protocol/sip_message.h"

#include "core/text.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxHeaders = 64;
constexpr std::size_t kMaxVia = 16;
constexpr std::size_t kMaxLine = 8192;

// The long name of a header, lower case (RFC 3261 §7.3.3 compact forms included).
std::string header_name(std::string_view name) {
  auto n = core::ascii_lower(core::trim(name));
  if (n.size() == 1) {
    switch (n[0]) {
      case 'v':
        return "via";
      case 'f':
        return "from";
      case 't':
        return "to";
      case 'i':
        return "call-id";
      case 'm':
        return "contact";
      default:
        break;
    }
  }
  return n;
}

// "SIP/2.0/UDP host;branch=x;rport" -> with received= and rport=PORT.
std::string marked_via(const std::string& via, std::string_view ip, std::uint16_t port) {
  const auto params = via.find(';');
  bool asked_rport = false;
  std::string out = via.substr(0, params);
  if (params != std::string::npos) {
    std::size_t start = params + 1;
    while (start <= via.size()) {
      const auto next = via.find(';', start);
      const auto param =
          via.substr(start, next == std::string::npos ? std::string::npos : next - start);
      const auto key = core::ascii_lower(core::trim(param.substr(0, param.find('='))));
      if (key == "rport") {
        asked_rport = true;
      } else if (key != "received" && !param.empty()) {
        out += ";" + param;
      }
      if (next == std::string::npos) break;
      start = next + 1;
    }
  }
  out += ";received=" + std::string(ip);
  if (asked_rport) out += ";rport=" + std::to_string(port);
  return out;
}

}  // namespace

std::optional<SipRequest> parse_sip_request(std::string_view m) {
  SipRequest r;
  std::size_t lines = 0;
  bool first = true;
  while (!m.empty()) {
    auto end = m.find('\n');
    auto line = m.substr(0, end);
    m.remove_prefix(end == std::string_view::npos ? m.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLine) return std::nullopt;
    if (first) {
      const auto a = line.find(' ');
      const auto b = a == std::string_view::npos ? a : line.find(' ', a + 1);
      if (b == std::string_view::npos || line.substr(b + 1) != "SIP/2.0") return std::nullopt;
      r.method = std::string(line.substr(0, a));
      r.uri = std::string(line.substr(a + 1, b - a - 1));
      if (r.method.empty() || r.uri.empty()) return std::nullopt;
      first = false;
      continue;
    }
    if (line.empty()) break;  // the body follows
    if (++lines > kMaxHeaders) return std::nullopt;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = header_name(line.substr(0, colon));
    const std::string value(core::trim(line.substr(colon + 1)));
    if (name == "via") {  // one header may carry several
      for (auto& one : core::split_comma_list(value)) {
        if (r.via.size() < kMaxVia) r.via.push_back(std::move(one));
      }
    } else if (name == "from") {
      r.from = value;
    } else if (name == "to") {
      r.to = value;
    } else if (name == "call-id") {
      r.call_id = value;
    } else if (name == "cseq") {
      r.cseq = value;
    } else if (name == "user-agent") {
      r.user_agent = value;
    } else if (name == "contact") {
      r.contact = value;
    } else if (name == "authorization" || name == "proxy-authorization") {
      r.authorization = value;
    }
  }
  if (first || r.via.empty() || r.from.empty() || r.to.empty() || r.call_id.empty() ||
      r.cseq.empty()) {
    return std::nullopt;
  }
  return r;
}

std::string sip_response(const SipRequest& request, int code, std::string_view reason,
                         const SipHeaders& extra, std::string_view source_ip,
                         std::uint16_t source_port, std::string_view to_tag) {
  std::string out = "SIP/2.0 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
  for (std::size_t i = 0; i < request.via.size(); ++i) {
    out +=
        "Via: " + (i == 0 ? marked_via(request.via[i], source_ip, source_port) : request.via[i]) +
        "\r\n";
  }
  out += "From: " + request.from + "\r\n";
  out += "To: " + request.to;
  if (request.to.find(";tag=") == std::string::npos && !to_tag.empty()) {
    out += ";tag=" + std::string(to_tag);
  }
  out += "\r\nCall-ID: " + request.call_id + "\r\nCSeq: " + request.cseq + "\r\n";
  for (const auto& [name, value] : extra) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace decnet::decky
