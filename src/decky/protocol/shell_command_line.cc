#include "decky/protocol/shell_command_line.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxWordBytes = 65'536;  // variables expanded included

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

class Parser {
 public:
  Parser(std::string_view line, const std::function<std::string(std::string_view)>& variable)
      : s_(line), variable_(variable) {}

  std::optional<std::vector<ShellPipeline>> run() {
    std::vector<ShellPipeline> out;
    ShellPipeline pipeline;
    ShellCommand command;
    std::size_t commands = 0;
    auto next_then = ShellPipeline::Then::kAlways;
    const auto end_command = [&]() -> bool {
      if (command.words.empty()) return false;
      if (++commands > kMaxCommands) return false;
      pipeline.commands.push_back(std::move(command));
      command = {};
      return true;
    };
    const auto end_pipeline = [&](ShellPipeline::Then then) -> bool {
      if (!command.words.empty() && !end_command()) return false;
      if (!pipeline.commands.empty()) {
        pipeline.run_if = next_then;
        out.push_back(std::move(pipeline));
        pipeline = {};
      } else if (then != ShellPipeline::Then::kAlways) {
        return false;  // `&&` or `||` with nothing before it
      }
      next_then = then;
      return true;
    };
    while (true) {
      skip_blanks();
      if (i_ >= s_.size()) break;
      const char c = s_[i_];
      if (c == '#') break;  // a comment to the end of the line
      if (c == '&' && peek(1) == '&') {
        i_ += 2;
        if (!end_pipeline(ShellPipeline::Then::kIfSuccess)) return std::nullopt;
      } else if (c == '|' && peek(1) == '|') {
        i_ += 2;
        if (!end_pipeline(ShellPipeline::Then::kIfFailure)) return std::nullopt;
      } else if (c == '|') {
        ++i_;
        if (!end_command()) return std::nullopt;
      } else if (c == ';' || c == '\n' || c == '&') {
        ++i_;  // `cmd &` runs in the background: here, now all the same
        if (!end_pipeline(ShellPipeline::Then::kAlways)) return std::nullopt;
      } else if (c == '>' || c == '<' || (c == '2' && peek(1) == '>') ||
                 (c == '1' && peek(1) == '>')) {
        if (!redirection(command)) return std::nullopt;
      } else {
        auto w = word();
        if (!w) return std::nullopt;
        if (command.words.size() >= kMaxWords) return std::nullopt;
        command.words.push_back(std::move(*w));
      }
    }
    // A line ending in `&&`, `||` or `|` is missing its last command.
    if (command.words.empty() && pipeline.commands.empty() &&
        next_then != ShellPipeline::Then::kAlways) {
      return std::nullopt;
    }
    if (command.words.empty() && !pipeline.commands.empty()) return std::nullopt;
    if (!end_pipeline(ShellPipeline::Then::kAlways)) return std::nullopt;
    return out;
  }

 private:
  char peek(std::size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void skip_blanks() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool word_end(char c) const {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' ||
           c == '>' || c == '<';
  }

  void expand(std::string& out) {
    // At '$'.
    ++i_;
    if (i_ < s_.size() && s_[i_] == '{') {
      const auto close = s_.find('}', i_);
      if (close == std::string_view::npos) {
        out += "${";
        ++i_;
        return;
      }
      out += variable_(s_.substr(i_ + 1, close - i_ - 1));
      i_ = close + 1;
      return;
    }
    const auto start = i_;
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    if (i_ == start) {
      if (i_ < s_.size() && (s_[i_] == '?' || s_[i_] == '$')) {
        out += variable_(s_.substr(i_, 1));
        ++i_;
        return;
      }
      out += '$';
      return;
    }
    out += variable_(s_.substr(start, i_ - start));
  }

  std::optional<std::string> word() {
    std::string out;
    while (i_ < s_.size() && !word_end(s_[i_])) {
      if (out.size() > kMaxWordBytes) return std::nullopt;
      const char c = s_[i_];
      if (c == '\'') {
        const auto close = s_.find('\'', i_ + 1);
        if (close == std::string_view::npos) return std::nullopt;
        out += s_.substr(i_ + 1, close - i_ - 1);
        i_ = close + 1;
      } else if (c == '"') {
        ++i_;
        bool closed = false;
        while (i_ < s_.size()) {
          const char d = s_[i_];
          if (d == '"') {
            closed = true;
            ++i_;
            break;
          }
          if (d == '\\' && i_ + 1 < s_.size() &&
              (s_[i_ + 1] == '"' || s_[i_ + 1] == '\\' || s_[i_ + 1] == '$' || s_[i_ + 1] == '`')) {
            out += s_[i_ + 1];
            i_ += 2;
          } else if (d == '$') {
            expand(out);
          } else {
            out += d;
            ++i_;
          }
        }
        if (!closed) return std::nullopt;
      } else if (c == '\\') {
        if (i_ + 1 < s_.size()) out += s_[i_ + 1];
        i_ += 2;
      } else if (c == '$') {
        expand(out);
      } else {
        out += c;
        ++i_;
      }
    }
    return out;
  }

  bool redirection(ShellCommand& command) {
    int fd = 1;
    if (s_[i_] == '1' || s_[i_] == '2') {
      fd = s_[i_] - '0';
      ++i_;
    }
    if (s_[i_] == '<') {  // input from a file: nothing a fake shell reads
      ++i_;
      skip_blanks();
      return word().has_value();
    }
    ++i_;  // '>'
    bool append = false;
    if (peek(0) == '>') {
      append = true;
      ++i_;
    }
    if (peek(0) == '&') {  // 2>&1, >&2
      i_ += 1;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (fd == 2) command.stderr_discarded = true;
      return true;
    }
    skip_blanks();
    auto target = word();
    if (!target || target->empty()) return false;
    if (fd == 2) {
      command.stderr_discarded = true;
    } else {
      command.stdout_to = std::move(*target);
      command.append = append;
    }
    return true;
  }

  std::string_view s_;
  const std::function<std::string(std::string_view)>& variable_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<std::vector<ShellPipeline>> parse_shell_line(
    std::string_view line, const std::function<std::string(std::string_view)>& variable) {
  return Parser(line, variable).run();
}

}  // namespace decnet::decky
