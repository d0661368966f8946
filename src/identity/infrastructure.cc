#include "identity/infrastructure.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "core/text.h"

namespace decnet::identity {
namespace {

bool domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

bool digits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (const char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A host worth naming: has a dot (a name or an IPv4 address), is not loopback.
bool plausible(const std::string& host) {
  return host.find('.') != std::string::npos && host.front() != '.' && host.back() != '.' &&
         host.rfind("127.", 0) != 0 && host != "localhost";
}

void add(std::set<std::string>& out, const std::string& host, std::string_view port) {
  if (out.size() < kMaxEndpointsPerCommand && plausible(host) && digits(port)) {
    out.insert(host + ":" + std::string(port));
  }
}

std::vector<std::string_view> words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() &&
           (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ';' || text[i] == '|' ||
            text[i] == '&' || text[i] == '\'' || text[i] == '"')) {
      ++i;
    }
    auto j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
           text[j] != ';' && text[j] != '|' && text[j] != '&' && text[j] != '\'' &&
           text[j] != '"') {
      ++j;
    }
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::set<std::string> endpoints_in_command(std::string_view command) {
  std::set<std::string> out;
  static constexpr std::pair<std::string_view, std::string_view> kSchemes[] = {
      {"http://", "80"}, {"https://", "443"}, {"ftp://", "21"}, {"tftp://", "69"}};
  const auto text = core::ascii_lower(command);
  for (const auto& [scheme, default_port] : kSchemes) {
    for (auto at = text.find(scheme); at != std::string::npos; at = text.find(scheme, at + 1)) {
      // "ftp://" inside "tftp://" is not a URL of its own.
      if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1]))) continue;
      auto i = at + scheme.size();
      const auto auth_end = text.find_first_of("/?# \t'\"", i);
      const auto authority = std::string_view(text).substr(
          i, auth_end == std::string::npos ? std::string::npos : auth_end - i);
      const auto userinfo = authority.rfind('@');
      const auto hostport =
          userinfo == std::string_view::npos ? authority : authority.substr(userinfo + 1);
      const auto colon = hostport.find(':');
      std::string host(hostport.substr(0, colon));
      if (!std::all_of(host.begin(), host.end(), domain_char)) continue;
      add(out, host, colon == std::string_view::npos ? default_port : hostport.substr(colon + 1));
    }
  }
  // A reverse shell's /dev/tcp/<host>/<port>.
  for (auto at = text.find("/dev/tcp/"); at != std::string::npos;
       at = text.find("/dev/tcp/", at + 1)) {
    const auto rest = std::string_view(text).substr(at + 9);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) continue;
    std::size_t end = slash + 1;
    while (end < rest.size() && std::isdigit(static_cast<unsigned char>(rest[end]))) ++end;
    add(out, std::string(rest.substr(0, slash)), rest.substr(slash + 1, end - slash - 1));
  }
  const auto w = words(text);
  // curl / wget given a URL without its scheme: "host:port/path" or "host/path" (a bare word
  // with neither is more likely a file name, as in -o x.sh).
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] != "curl" && w[i] != "wget") continue;
    for (auto j = i + 1; j < w.size() && j <= i + 8; ++j) {
      const auto arg = w[j];
      if (arg.front() == '-' || arg.find("://") != std::string_view::npos) continue;
      const auto slash = arg.find('/');
      const auto hostport = arg.substr(0, slash);
      const auto colon = hostport.find(':');
      if (slash == std::string_view::npos && colon == std::string_view::npos) continue;
      std::string host(hostport.substr(0, colon));
      if (host.empty() || !std::all_of(host.begin(), host.end(), domain_char)) continue;
      add(out, host, colon == std::string_view::npos ? "80" : hostport.substr(colon + 1));
    }
  }
  // nc / ncat / netcat <host> <port> (options skipped).
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] != "nc" && w[i] != "ncat" && w[i] != "netcat") continue;
    std::vector<std::string_view> args;
    for (auto j = i + 1; j < w.size() && args.size() < 2; ++j) {
      if (w[j].front() == '-') {
        if (w[j] == "-e" || w[j] == "-c") ++j;  // the program to run follows
        continue;
      }
      args.push_back(w[j]);
    }
    if (args.size() == 2) add(out, std::string(args[0]), args[1]);
  }
  return out;
}

}  // namespace decnet::identity
