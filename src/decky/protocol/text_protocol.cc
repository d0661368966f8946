#include "decky/protocol/text_protocol.h"

#include "core/base64.h"

namespace decnet::decky {
namespace {

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

TextCommand parse_text_command(std::string_view line) {
  TextCommand out;
  std::size_t i = 0;
  while (i < line.size() && line[i] != ' ' && line[i] != '\t') out.verb += upper(line[i++]);
  if (i < line.size()) out.arg = std::string(line.substr(i + 1));
  return out;
}

std::optional<SaslPlain> decode_sasl_plain(std::string_view b64) {
  while (!b64.empty() && (b64.back() == ' ' || b64.back() == '\r')) b64.remove_suffix(1);
  const auto raw = core::base64_decode(b64);
  if (!raw) return std::nullopt;
  const auto first = raw->find('\0');
  if (first == std::string::npos) return std::nullopt;
  const auto second = raw->find('\0', first + 1);
  if (second == std::string::npos) return std::nullopt;
  SaslPlain out;
  out.authzid = raw->substr(0, first);
  out.user = raw->substr(first + 1, second - first - 1);
  out.password = raw->substr(second + 1);
  return out;
}

std::string smtp_path_address(std::string_view arg) {
  const auto open = arg.find('<');
  if (open != std::string_view::npos) {
    const auto close = arg.find('>', open + 1);
    return std::string(arg.substr(
        open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1));
  }
  const auto colon = arg.find(':');
  auto rest = colon == std::string_view::npos ? arg : arg.substr(colon + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const auto space = rest.find(' ');
  return std::string(rest.substr(0, space));
}

bool ImapCommandParser::parse_line(std::string_view line) {
  tag_.clear();
  command_.clear();
  args_.clear();
  literal_.reset();
  literal_plus_ = false;
  std::size_t i = 0;
  while (i < line.size() && line[i] != ' ') tag_ += line[i++];
  if (tag_.empty() || tag_.size() > 64 || i >= line.size()) return false;
  ++i;
  while (i < line.size() && line[i] != ' ') command_ += upper(line[i++]);
  if (command_.empty() || command_.size() > 32) return false;
  return parse_rest(line.substr(i));
}

void ImapCommandParser::append_literal(std::string bytes) {
  literal_.reset();
  if (args_.size() < kMaxArgs) args_.push_back(std::move(bytes));
}

bool ImapCommandParser::parse_rest(std::string_view rest) {
  std::size_t i = 0;
  while (i < rest.size()) {
    if (rest[i] == ' ') {
      ++i;
      continue;
    }
    if (args_.size() >= kMaxArgs) return false;
    if (rest[i] == '"') {
      std::string value;
      ++i;
      bool closed = false;
      while (i < rest.size()) {
        const char c = rest[i++];
        if (c == '\\' && i < rest.size()) {
          value += rest[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return false;
      args_.push_back(std::move(value));
      continue;
    }
    if (rest[i] == '{') {
      const auto close = rest.find('}', i);
      if (close == std::string_view::npos || close + 1 != rest.size()) return false;
      auto digits = rest.substr(i + 1, close - i - 1);
      if (!digits.empty() && digits.back() == '+') {
        literal_plus_ = true;
        digits.remove_suffix(1);
      }
      if (digits.empty() || digits.size() > 5) return false;
      std::size_t n = 0;
      for (const char d : digits) {
        if (d < '0' || d > '9') return false;
        n = n * 10 + static_cast<std::size_t>(d - '0');
      }
      if (n > kMaxLiteral) return false;
      literal_ = n;
      return true;
    }
    std::string atom;
    while (i < rest.size() && rest[i] != ' ') atom += rest[i++];
    args_.push_back(std::move(atom));
  }
  return true;
}

}  // namespace decnet::decky
