// The client's SASL response, as the mail protocols carry it: sent with the command (an initial
// response, RFC 4954 / 5034 / SASL-IR) or, when the command came alone, on the next line after
// the server's empty challenge (`prompt`: "334 ", "+ "). The caller keeps the initial response;
// this reads the continuation.
#pragma once

#include <optional>
#include <string>

#include "decky/net/session.h"

namespace decnet::decky {

// The response line after `prompt`; nullopt when the connection ended first.
inline boost::asio::awaitable<std::optional<std::string>> sasl_continuation(Session& s,
                                                                            const char* prompt) {
  if (!co_await s.write(std::string(prompt) + "\r\n")) co_return std::nullopt;
  auto next = co_await s.read_line();
  if (!next) co_return std::nullopt;
  co_return std::move(next->text);
}

}  // namespace decnet::decky
