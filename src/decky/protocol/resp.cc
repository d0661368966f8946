#include "decky/protocol/resp.h"

#include <optional>

namespace decnet::decky {
namespace {

using Status = RespCommand::Status;

// A decimal after a type byte, up to CRLF at `at`; nullopt when not a number.
std::optional<long long> number(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
  }
  long long n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return negative ? -n : n;
}

RespCommand error(std::string why) {
  RespCommand out;
  out.status = Status::kError;
  out.error = std::move(why);
  return out;
}

RespCommand parse_inline(std::string_view buffer) {
  RespCommand out;
  const auto end = buffer.find('\n');
  if (end == std::string_view::npos) {
    if (buffer.size() > kRespMaxInline) return error("Protocol error: too big inline request");
    return out;
  }
  auto line = buffer.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string arg;
    if (line[i] == '"' || line[i] == '\'') {
      const char quote = line[i++];
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '\\' && quote == '"' && i < line.size()) {
          arg += line[i++];
        } else if (c == quote) {
          closed = true;
          break;
        } else {
          arg += c;
        }
      }
      if (!closed) return error("Protocol error: unbalanced quotes in request");
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') arg += line[i++];
    }
    if (out.args.size() >= kRespMaxArgs) return error("Protocol error: too many arguments");
    out.args.push_back(std::move(arg));
  }
  out.status = Status::kCommand;
  out.consumed = end + 1;
  return out;
}

}  // namespace

RespCommand parse_resp_command(std::string_view buffer) {
  if (buffer.empty()) return {};
  if (buffer.front() != '*') return parse_inline(buffer);
  RespCommand out;
  std::size_t at = 0;
  const auto header = [&](char type) -> std::optional<long long> {
    if (at >= buffer.size()) return std::nullopt;
    const auto crlf = buffer.find("\r\n", at);
    if (crlf == std::string_view::npos) {
      if (buffer.size() - at > 32) out = error("Protocol error: too big count");
      return std::nullopt;
    }
    if (buffer[at] != type) {
      out = error(std::string("Protocol error: expected '") + type + "', got '" + buffer[at] + "'");
      return std::nullopt;
    }
    const auto n = number(buffer.substr(at + 1, crlf - at - 1));
    if (!n) {
      out = error(type == '*' ? "Protocol error: invalid multibulk length"
                              : "Protocol error: invalid bulk length");
      return std::nullopt;
    }
    at = crlf + 2;
    return n;
  };
  const auto count = header('*');
  if (!count) return out;
  if (*count > static_cast<long long>(kRespMaxArgs)) {
    return error("Protocol error: invalid multibulk length");
  }
  std::vector<std::string> args;
  for (long long i = 0; i < *count; ++i) {
    const auto length = header('$');
    if (!length) return out;
    if (*length < 0 || *length > static_cast<long long>(kRespMaxBulk)) {
      return error("Protocol error: invalid bulk length");
    }
    const auto n = static_cast<std::size_t>(*length);
    if (buffer.size() - at < n + 2) return out;
    if (buffer.substr(at + n, 2) != "\r\n") return error("Protocol error: bulk not ended by CRLF");
    args.emplace_back(buffer.substr(at, n));
    at += n + 2;
  }
  out.status = Status::kCommand;
  out.args = std::move(args);
  out.consumed = at;
  return out;
}

}  // namespace decnet::decky
