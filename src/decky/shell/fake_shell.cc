#include "decky/shell/fake_shell.h"

#include <algorithm>

#include "decky/protocol/shell_command_line.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxOutput = 65'536;
constexpr int kMaxDepth = 3;  // sh -c "sh -c ..." nesting

bool has_flag(const std::vector<std::string>& words, char flag) {
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& w = words[i];
    if (w.size() > 1 && w[0] == '-' && w[1] != '-' && w.find(flag) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> operands(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i].empty() || words[i][0] != '-') out.push_back(words[i]);
  }
  return out;
}

std::string host_of(const std::string& url) {
  auto rest = url;
  if (const auto scheme = rest.find("://"); scheme != std::string::npos) rest.erase(0, scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest.erase(0, at + 1);
  return rest;
}

}  // namespace

FakeShell::FakeShell(std::shared_ptr<const FakeTree> tree, const Persona& persona, std::string user,
                     Report report)
    : tree_(tree),
      fs_(std::move(tree)),
      persona_(persona),
      user_(std::move(user)),
      report_(std::move(report)) {
  home_ = user_ == "root" ? "/root" : "/home/" + user_;
  cwd_ = home_;
  env_ = {{"HOME", home_},
          {"USER", user_},
          {"LOGNAME", user_},
          {"SHELL", "/bin/bash"},
          {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
          {"LANG", "C.UTF-8"},
          {"TERM", "xterm"},
          {"HOSTNAME", persona_.hostname}};
}

std::string FakeShell::prompt() const {
  std::string where = cwd_;
  if (where == home_) {
    where = "~";
  } else if (where.rfind(home_ + "/", 0) == 0) {
    where = "~" + where.substr(home_.size());
  }
  return user_ + "@" + persona_.hostname + ":" + where + (user_ == "root" ? "# " : "$ ");
}

std::string FakeShell::variable(std::string_view name) const {
  if (name == "?") return std::to_string(last_status_);
  if (name == "$") return "4127";
  if (name == "PWD") return cwd_;
  const auto it = env_.find(std::string(name));
  return it == env_.end() ? std::string() : it->second.substr(0, 1024);
}

std::string FakeShell::run(std::string_view line) {
  if (history_.size() < 1000) history_.emplace_back(line);
  auto result = run_line(line, 0);
  last_status_ = result.status;
  if (result.out.size() > kMaxOutput) result.out.resize(kMaxOutput);
  return result.out;
}

FakeShell::Result FakeShell::run_line(std::string_view line, int depth) {
  const auto pipelines =
      parse_shell_line(line, [this](std::string_view name) { return variable(name); });
  if (!pipelines) return {"-bash: syntax error near unexpected token\n", 2};
  Result total;
  int status = 0;
  for (const auto& pipeline : *pipelines) {
    if (exited_) break;
    if (pipeline.run_if == ShellPipeline::Then::kIfSuccess && status != 0) continue;
    if (pipeline.run_if == ShellPipeline::Then::kIfFailure && status == 0) continue;
    std::string carried;
    for (std::size_t i = 0; i < pipeline.commands.size(); ++i) {
      const auto& command = pipeline.commands[i];
      auto r = run_command(command.words, carried, depth);
      status = r.status;
      if (command.stdout_to) {
        const auto path = FakeFilesystem::resolve(cwd_, *command.stdout_to);
        if (path != "/dev/null") {
          if (fs_.write(path, r.out, command.append)) {
            report_("file_written", {{"path", path}, {"bytes", std::to_string(r.out.size())}});
          } else {
            r.out = "-bash: " + *command.stdout_to + ": Permission denied\n";
            status = 1;
            total.out += r.out;
          }
        }
        r.out.clear();
      }
      if (i + 1 < pipeline.commands.size()) {
        carried = std::move(r.out);
      } else {
        total.out += r.out;
      }
      if (total.out.size() > kMaxOutput) break;
    }
  }
  total.status = status;
  return total;
}

FakeShell::Result FakeShell::list(const std::vector<std::string>& words) {
  const bool long_form = has_flag(words, 'l');
  const bool all = has_flag(words, 'a');
  auto targets = operands(words);
  if (targets.empty()) targets.push_back(".");
  Result r;
  for (const auto& target : targets) {
    const auto path = FakeFilesystem::resolve(cwd_, target);
    const auto node = fs_.stat(path);
    if (!node) {
      r.out += "ls: cannot access '" + target + "': No such file or directory\n";
      r.status = 2;
      continue;
    }
    std::vector<std::string> names;
    if (node->directory) {
      names = *fs_.list(path);
      if (all) names.insert(names.begin(), {".", ".."});
    } else {
      names.push_back(target);
    }
    if (targets.size() > 1 && node->directory) r.out += target + ":\n";
    if (long_form) r.out += "total " + std::to_string(4 * names.size()) + "\n";
    std::string row;
    for (const auto& name : names) {
      if (!all && !name.empty() && name[0] == '.') continue;
      if (long_form) {
        const auto child = node->directory && name != "." && name != ".."
                               ? fs_.stat(FakeFilesystem::resolve(path, name))
                               : node;
        const auto size = child && !child->directory ? child->content.size() : 4096;
        r.out += (child ? child->mode : "drwxr-xr-x") + " 1 " + (child ? child->owner : "root") +
                 " " + (child ? child->owner : "root") + " " + std::to_string(size) +
                 " Nov 22 09:14 " + name + "\n";
      } else {
        row += (row.empty() ? "" : "  ") + name;
      }
    }
    if (!long_form && !row.empty()) r.out += row + "\n";
  }
  return r;
}

FakeShell::Result FakeShell::download(const std::vector<std::string>& words) {
  const auto& tool = words[0];
  std::string url;
  std::string output;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& w = words[i];
    if ((w == "-O" || w == "-o" || w == "--output") && i + 1 < words.size()) {
      output = words[++i];
    } else if (!w.empty() && w[0] != '-' && url.empty()) {
      url = w;
    }
  }
  if (url.empty()) {
    return {tool + ": missing URL\nUsage: " + tool + " [OPTION]... [URL]...\n", 1};
  }
  report_("download_attempt", {{"tool", tool}, {"url", url}, {"output", output}});
  const auto host = host_of(url);
  if (tool == "curl") {
    return {"curl: (28) Failed to connect to " + host +
                " port 80 after 130812 ms: Connection timed out\n",
            28};
  }
  return {"--2026-01-01 00:00:00--  " + url + "\nResolving " + host + " (" + host +
              ")... failed: Temporary failure in name resolution.\nwget: unable to resolve host "
              "address '" +
              host + "'\n",
          4};
}

FakeShell::Result FakeShell::run_command(const std::vector<std::string>& words,
                                         const std::string& input, int depth) {
  if (words.empty()) return {};
  std::string name = words[0];
  if (const auto slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  const auto args = operands(words);
  if (name == "exit" || name == "logout") {
    exited_ = true;
    return {};
  }
  if (name == "sudo" && words.size() > 1) {
    return run_command(std::vector<std::string>(words.begin() + 1, words.end()), input, depth);
  }
  if ((name == "sh" || name == "bash" || name == "dash" || name == "busybox") && words.size() > 2 &&
      words[1] == "-c") {
    if (depth >= kMaxDepth) return {};
    return run_line(words[2], depth + 1);
  }
  if (name == "echo") {
    std::string out;
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (i == 1 && (words[i] == "-n" || words[i] == "-e")) continue;
      out += (out.empty() ? "" : " ") + words[i];
    }
    return {words.size() > 1 && words[1] == "-n" ? out : out + "\n", 0};
  }
  if (name == "whoami") return {user_ + "\n", 0};
  if (name == "id") {
    return {user_ == "root" ? "uid=0(root) gid=0(root) groups=0(root)\n"
                            : "uid=1000(" + user_ + ") gid=1000(" + user_ + ") groups=1000(" +
                                  user_ + "),27(sudo),100(users)\n",
            0};
  }
  if (name == "pwd") return {cwd_ + "\n", 0};
  if (name == "hostname") return {persona_.hostname + "\n", 0};
  if (name == "uname") {
    if (has_flag(words, 'a')) {
      return {"Linux " + persona_.hostname +
                  " 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64 "
                  "GNU/Linux\n",
              0};
    }
    if (has_flag(words, 'r')) return {"6.1.0-28-amd64\n", 0};
    if (has_flag(words, 'm') || has_flag(words, 'p')) return {"x86_64\n", 0};
    if (has_flag(words, 'n')) return {persona_.hostname + "\n", 0};
    return {"Linux\n", 0};
  }
  if (name == "cd") {
    const auto target = args.empty() ? home_ : FakeFilesystem::resolve(cwd_, args[0]);
    const auto node = fs_.stat(target);
    if (!node || !node->directory) {
      return {"-bash: cd: " + (args.empty() ? home_ : args[0]) + ": No such file or directory\n",
              1};
    }
    cwd_ = target;
    return {};
  }
  if (name == "ls" || name == "dir") return list(words);
  if (name == "cat") {
    if (args.empty()) return {input, 0};
    Result r;
    for (const auto& a : args) {
      const auto node = fs_.stat(FakeFilesystem::resolve(cwd_, a));
      if (!node) {
        r.out += "cat: " + a + ": No such file or directory\n";
        r.status = 1;
      } else if (node->directory) {
        r.out += "cat: " + a + ": Is a directory\n";
        r.status = 1;
      } else {
        r.out += node->content;
      }
    }
    return r;
  }
  if (name == "wget" || name == "curl" || name == "tftp" || name == "ftpget")
    return download(words);
  if (name == "touch" || name == "mkdir" || name == "rm") {
    Result r;
    for (const auto& a : args) {
      const auto path = FakeFilesystem::resolve(cwd_, a);
      const bool ok = name == "touch"   ? (fs_.stat(path) || fs_.write(path, "", true))
                      : name == "mkdir" ? fs_.make_directory(path)
                                        : fs_.remove(path);
      if (!ok) {
        r.out += name;
        r.out += name == "rm" ? ": cannot remove '" : ": cannot create '";
        r.out += a;
        r.out += "'\n";
        r.status = 1;
      }
    }
    return r;
  }
  if (name == "chmod" || name == "chown" || name == "chattr" || name == "export" ||
      name == "unset" || name == "history" || name == "kill" || name == "pkill" ||
      name == "killall" || name == "sleep" || name == "cp" || name == "mv" || name == "ulimit" ||
      name == "nohup" || name == "true" || name == "service" || name == "systemctl") {
    if (name == "export") {
      for (const auto& a : args) {
        const auto eq = a.find('=');
        if (eq != std::string::npos && env_.size() < 128) env_[a.substr(0, eq)] = a.substr(eq + 1);
      }
    }
    if (name == "history") {
      std::string out;
      for (std::size_t i = 0; i < history_.size(); ++i) {
        out += "  " + std::to_string(i + 1) + "  " + history_[i] + "\n";
      }
      return {out, 0};
    }
    return {};
  }
  if (name == "false") return {"", 1};
  if (name == "w" || name == "who" || name == "uptime") {
    const std::string up =
        " 09:14:02 up 41 days, 12:58,  1 user,  load average: 0.08, 0.03, 0.01\n";
    if (name == "uptime") return {up, 0};
    if (name == "who") return {user_ + "    pts/0        2026-01-01 09:13\n", 0};
    return {up + "USER     TTY      FROM             LOGIN@   IDLE   JCPU   PCPU WHAT\n" + user_ +
                "     pts/0    -                09:13    0.00s  0.01s  0.00s w\n",
            0};
  }
  if (name == "ps") {
    return {
        "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
        "root           1  0.0  0.2 168004 11836 ?        Ss   Oct21   1:02 /sbin/init\n"
        "root         412  0.0  0.1  15428  8904 ?        Ss   Oct21   0:00 sshd: /usr/sbin/sshd\n"
        "root         530  0.0  0.0   6608  2740 ?        Ss   Oct21   0:04 /usr/sbin/cron -f\n"
        "www-data     801  0.0  0.3 203680 13468 ?        S    Oct21   0:12 /usr/sbin/apache2 -k "
        "start\n"
        "root        4127  0.0  0.1   8240  5120 pts/0    Ss   09:13   0:00 -bash\n"
        "root        4133  0.0  0.0  11084  4464 pts/0    R+   09:14   0:00 ps aux\n",
        0};
  }
  if (name == "free") {
    return {
        "               total        used        free      shared  buff/cache   available\n"
        "Mem:         4026532      443084     2871204        1128      773244     3512384\n"
        "Swap:        1048572           0     1048572\n",
        0};
  }
  if (name == "nproc") return {"2\n", 0};
  if (name == "df") {
    return {
        "Filesystem     1K-blocks    Used Available Use% Mounted on\n"
        "/dev/sda1       30832548 4317728  24925380  15% /\n"
        "tmpfs            2013264       0   2013264   0% /dev/shm\n",
        0};
  }
  if (name == "lscpu") {
    return {
        "Architecture:            x86_64\nCPU(s):                  2\nModel name:              "
        "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\nThread(s) per core:      1\n",
        0};
  }
  if (name == "crontab") return {"no crontab for " + user_ + "\n", 1};
  if (name == "which" || name == "type" || name == "command") {
    Result r;
    for (const auto& a : args) {
      for (const char* dir : {"/usr/bin/", "/bin/"}) {
        if (fs_.stat(dir + a)) {
          r.out += std::string(dir) + a + "\n";
          break;
        }
      }
    }
    return r;
  }
  if (name == "env" || name == "printenv") {
    std::string out;
    for (const auto& [k, v] : env_) {
      out += k;
      out += '=';
      out += v;
      out += '\n';
    }
    return {out, 0};
  }
  if (name == "grep") {
    if (args.empty()) return {"Usage: grep [OPTION]... PATTERNS [FILE]...\n", 2};
    std::string text = input;
    if (args.size() > 1) {
      const auto node = fs_.stat(FakeFilesystem::resolve(cwd_, args[1]));
      text = node && !node->directory ? node->content : std::string();
    }
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = text.find('\n', start);
      const auto line =
          text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (line.find(args[0]) != std::string::npos) out += line + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return {out, out.empty() ? 1 : 0};
  }
  if (name == "head" || name == "tail") {
    const auto lines = static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n'));
    std::size_t keep = 10, seen = 0;
    std::string out;
    std::size_t start = 0;
    while (start < input.size()) {
      const auto end = input.find('\n', start);
      const bool take = name == "head" ? seen < keep : seen + keep >= lines;
      if (take)
        out += input.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
      ++seen;
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return {out, 0};
  }
  if (name == "wc") {
    return {std::to_string(std::count(input.begin(), input.end(), '\n')) + "\n", 0};
  }
  if (name == "passwd") return {"passwd: Authentication token manipulation error\n", 10};
  return {"-bash: " + words[0].substr(0, 128) + ": command not found\n", 127};
}

std::string FakeShell::absolute(const std::string& path) const {
  return FakeFilesystem::resolve(cwd_, path);
}

bool FakeShell::is_directory(const std::string& path) const {
  const auto node = fs_.stat(absolute(path));
  return node && node->directory;
}

}  // namespace decnet::decky
