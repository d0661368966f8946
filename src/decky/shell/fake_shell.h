// The shell an attacker gets after logging into a decky's telnet (and, later, ssh): bash's
// prompt and the answers a stock Debian host gives to what attacker scripts run first — who am
// I, what is this machine, what runs on it, where can I write — over the fake file system.
// Downloads (wget, curl, tftp, ftp) are reported and fail as a firewalled host's would; nothing
// is ever fetched, executed or evaluated. Each command line is parsed by the shell grammar of
// protocol/shell_command_line.h; an unknown command is "command not found", as in bash.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "decky/protocol/syslog_line.h"
#include "decky/shell/fake_filesystem.h"

namespace decnet::decky {

class FakeShell {
 public:
  // A side effect worth a line of its own (a download attempted, a file written).
  using Report = std::function<void(std::string_view event_type, Fields fields)>;

  FakeShell(std::shared_ptr<const FakeTree> tree, const Persona& persona, std::string user,
            Report report);

  // Runs one line as typed; returns what the terminal shows ("\n" line ends).
  std::string run(std::string_view line);
  std::string prompt() const;
  bool exited() const { return exited_; }
  const std::string& cwd() const { return cwd_; }
  // `path` made absolute against the working directory, and whether it is a directory.
  std::string absolute(const std::string& path) const;
  bool is_directory(const std::string& path) const;
  const std::string& user() const { return user_; }

 private:
  struct Result {
    std::string out;
    int status = 0;
  };
  Result run_command(const std::vector<std::string>& words, const std::string& input, int depth);
  Result run_line(std::string_view line, int depth);
  std::string variable(std::string_view name) const;
  Result list(const std::vector<std::string>& words);
  Result download(const std::vector<std::string>& words);

  std::shared_ptr<const FakeTree> tree_;
  FakeFilesystem fs_;
  Persona persona_;
  std::string user_;
  std::string home_;
  std::string cwd_;
  std::map<std::string, std::string> env_;
  std::vector<std::string> history_;
  int last_status_ = 0;
  bool exited_ = false;
  Report report_;
};

}  // namespace decnet::decky
