#include "decky/protocol/http_credentials.h"

#include <array>
#include <vector>

#include "core/base64.h"
#include "core/text.h"

namespace decnet::decky {

std::optional<std::string> digest_param(std::string_view params, std::string_view name) {
  std::size_t i = 0;
  while (i < params.size()) {
    while (i < params.size() && (params[i] == ' ' || params[i] == ',')) ++i;
    const auto eq = params.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const auto key = core::ascii_lower(core::trim(params.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < params.size() && params[i] == '"') {
      ++i;
      while (i < params.size() && params[i] != '"') {
        if (params[i] == '\\' && i + 1 < params.size()) ++i;
        value += params[i++];
      }
      ++i;
    } else {
      while (i < params.size() && params[i] != ',') value += params[i++];
      value = std::string(core::trim(value));
    }
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<HttpCredential> classify_authorization(std::string_view header) {
  header = core::trim(header);
  const auto space = header.find_first_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;
  const auto scheme = core::ascii_lower(header.substr(0, space));
  const auto rest = core::trim(header.substr(space + 1));
  if (rest.empty()) return std::nullopt;
  if (scheme == "basic") {
    const auto decoded = core::base64_decode(rest);
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return HttpCredential{decoded->substr(0, colon), "plaintext", decoded->substr(colon + 1)};
  }
  if (scheme == "bearer" || scheme == "token") {
    return HttpCredential{std::nullopt, "http_bearer", std::string(rest)};
  }
  if (scheme == "digest") {
    const auto response = digest_param(rest, "response");
    if (!response) return std::nullopt;
    return HttpCredential{digest_param(rest, "username"), "http_digest_md5", *response};
  }
  return std::nullopt;
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && core::hex_digit_value(text[i + 1]) >= 0 &&
               core::hex_digit_value(text[i + 2]) >= 0) {
      out += static_cast<char>(core::hex_digit_value(text[i + 1]) * 16 +
                               core::hex_digit_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::optional<HttpCredential> form_credentials(std::string_view body,
                                               std::string_view content_type) {
  if (core::ascii_lower(core::trim(content_type)).rfind("application/x-www-form-urlencoded", 0) !=
      0) {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 10> kPrincipals = {
      "username", "user", "email",      "login", "userid",
      "account",  "log",  "user_login", "uname", "pma_username"};
  static constexpr std::array<std::string_view, 8> kSecrets = {
      "password", "pass",         "pwd",           "passwd",
      "passwort", "mot_de_passe", "user_password", "pma_password"};
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= body.size() && pairs.size() < 256) {
    const auto amp = body.find('&', start);
    const auto part =
        body.substr(start, amp == std::string_view::npos ? body.size() - start : amp - start);
    if (!part.empty()) {
      const auto eq = part.find('=');
      auto key = core::ascii_lower(url_decode(part.substr(0, eq)));
      auto value = eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
      bool seen = false;
      for (const auto& [k, _] : pairs) seen = seen || k == key;
      if (!seen) pairs.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  const auto find = [&](auto& names) -> const std::string* {
    for (const auto name : names) {
      for (const auto& [k, v] : pairs) {
        if (k == name) return &v;
      }
    }
    return nullptr;
  };
  const auto* secret = find(kSecrets);
  if (!secret) return std::nullopt;
  HttpCredential out;
  if (const auto* principal = find(kPrincipals)) out.principal = *principal;
  out.secret_kind = "plaintext";
  out.secret = *secret;
  return out;
}

std::string headers_json(const std::vector<std::pair<std::string, std::string>>& headers) {
  const auto quoted = [](std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += ch;
      } else if (c < 0x20 || c == 0x7f) {
        static const char* kHex = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += ch;
      }
    }
    return out + "\"";
  };
  std::string out = "{";
  for (const auto& [k, v] : headers) {
    if (out.size() > 1) out += ", ";
    out += quoted(k);
    out += ": ";
    out += quoted(v);
  }
  return out + "}";
}

}  // namespace decnet::decky
