// Parsing for the line-based mail and file protocols (FTP, POP3, SMTP, IMAP): pure functions
// over one received line, so each can be fuzzed on its own. Nothing here allocates more than
// a small multiple of its input.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

// "VERB argument": the verb upper-cased (ASCII), the argument after the first space or tab as
// sent. FTP, POP3 and SMTP commands all have this shape.
struct TextCommand {
  std::string verb;
  std::string arg;
};
TextCommand parse_text_command(std::string_view line);

// SASL PLAIN's message (RFC 4616): base64 of "authzid NUL authcid NUL password".
struct SaslPlain {
  std::string authzid;
  std::string user;
  std::string password;
};
std::optional<SaslPlain> decode_sasl_plain(std::string_view b64);

// The address inside an SMTP path argument: "FROM:<a@b.c> SIZE=10" -> "a@b.c"; the text after
// the colon when there are no angle brackets.
std::string smtp_path_address(std::string_view arg);

// One IMAP command line split into its tag, its command (upper-cased) and its arguments: atoms,
// quoted strings (RFC 3501 escapes \" and \\) and NIL. A line ending in a literal "{n}" or
// "{n+}" reports its size: the caller reads n bytes, appends them as the next argument with
// append_literal() and goes on with the following line through continue_line().
class ImapCommandParser {
 public:
  static constexpr std::size_t kMaxArgs = 16;
  static constexpr std::size_t kMaxLiteral = 8192;

  // False when the line is not a command (no tag, no command, bad quoting, too many arguments,
  // a literal over kMaxLiteral).
  bool parse_line(std::string_view line);
  bool continue_line(std::string_view line) { return parse_rest(line); }
  void append_literal(std::string bytes);

  const std::string& tag() const { return tag_; }
  const std::string& command() const { return command_; }
  const std::vector<std::string>& args() const { return args_; }
  // Bytes of a literal the line announced; nullopt when the command is complete.
  std::optional<std::size_t> literal() const { return literal_; }
  // The client asked for no continuation ("{n+}", LITERAL+).
  bool literal_plus() const { return literal_plus_; }

 private:
  bool parse_rest(std::string_view rest);

  std::string tag_;
  std::string command_;
  std::vector<std::string> args_;
  std::optional<std::size_t> literal_;
  bool literal_plus_ = false;
};

}  // namespace decnet::decky
