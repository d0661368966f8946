// Fuzzes the decky's parsers for the line protocols an attacker talks to it in (FTP, POP3, SMTP,
// IMAP): every input line goes through the command splitter, SASL PLAIN, the SMTP path reader
// and the IMAP command parser, with literals fed back as the IMAP service would. Nothing may
// crash, and what comes out is bounded by what went in.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "decky/protocol/text_protocol.h"
#include "fuzz_support.h"

using decnet::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  decnet::decky::ImapCommandParser imap;
  bool in_literal = false;
  while (start < input.size()) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const auto line = input.substr(start, end - start);
    start = end + 1;
    const auto cmd = decnet::decky::parse_text_command(line);
    check(cmd.verb.size() + cmd.arg.size() <= line.size());
    if (const auto plain = decnet::decky::decode_sasl_plain(line)) {
      check(plain->user.size() + plain->password.size() <= line.size());
    }
    check(decnet::decky::smtp_path_address(line).size() <= line.size());
    const bool ok = in_literal ? imap.continue_line(line) : imap.parse_line(line);
    in_literal = false;
    if (ok && imap.literal()) {
      check(*imap.literal() <= decnet::decky::ImapCommandParser::kMaxLiteral);
      imap.append_literal(std::string(line.substr(0, std::min(line.size(), *imap.literal()))));
      in_literal = true;
    }
    check(imap.args().size() <= decnet::decky::ImapCommandParser::kMaxArgs);
  }
  return 0;
}
