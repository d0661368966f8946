// SSH as a stock Debian OpenSSH server: the client's version and HASSH on `connection`, every
// password, keyboard-interactive answer and offered public key as an `auth_attempt` (keys by
// their blob, kind ssh_public_key, with type and SHA256 fingerprint: one key seen from many
// addresses is one actor), and for the persona's accounts (root with `password`, `user` with
// `user_password`) the fake shell — interactive with a terminal and recorded like telnet's, or
// one command per `ssh host CMD`. An upload with scp is taken whole (up to the connection's
// input cap) and each file reported as `file_captured` with its SHA-256, size and path — the
// payload hash the master links attackers by — and never kept or run. Port forwarding is asked
// for by attackers who want a proxy: each request is reported and refused, and so is sftp.
#include "core/hash.h"
#include "decky/net/ssh_connection.h"
#include "decky/protocol/scp_sink.h"
#include "decky/protocol/shell_command_line.h"
#include "decky/services/services.h"
#include "decky/services/shell_login.h"
#include "decky/shell/terminal.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kMaxUpload = 1 << 20;  // the connection's input cap bounds it anyway

// The target of `scp -t [-r] [-d] [-p] [-v] TARGET`, scp's sink mode; nullopt for any other.
// The words as a shell would split them, so a quoted path with spaces stays one.
std::optional<std::string> scp_sink_target(const std::string& command) {
  const auto pipelines = parse_shell_line(command, [](std::string_view) { return std::string(); });
  if (!pipelines || pipelines->size() != 1 || pipelines->front().commands.size() != 1) {
    return std::nullopt;
  }
  const auto& words = pipelines->front().commands.front().words;
  if (words.empty() || words.front() != "scp") return std::nullopt;
  bool sink = false;
  std::string target;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& word = words[i];
    if (word == "--") continue;
    if (word.size() > 1 && word[0] == '-') {
      if (word.find('t') != std::string::npos) sink = true;
      continue;
    }
    target = word;
  }
  if (!sink) return std::nullopt;
  return target.empty() ? "." : target;
}

std::string_view method_name(SshAuthMethod m) {
  switch (m) {
    case SshAuthMethod::kPassword:
      return "password";
    case SshAuthMethod::kKeyboardInteractive:
      return "keyboard-interactive";
    case SshAuthMethod::kPublicKey:
      return "publickey";
  }
  return "password";
}

class SshService final : public Service {
 public:
  SshService(const Persona& persona, const ServiceSettings& s)
      : persona_(persona),
        root_password_(setting(s, "password")),
        user_(setting(s, "user")),
        user_password_(setting(s, "user_password")),
        endpoint_(setting(s, "state_dir"), setting(s, "version")) {
    if (!setting(s, "hostname").empty()) persona_.hostname = setting(s, "hostname");
    tree_ = std::make_shared<FakeTree>(persona_, std::vector<std::string>{user_});
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    Login login{*s};
    SshConnection ssh(*s, endpoint_, [&](const SshAuthAttempt& a) { return decide(*s, a); });
    while (true) {
      auto event = co_await ssh.next();
      if (!event) break;
      handle(login, ssh, *event);
    }
    if (login.recorder) send_recording(*s, *login.recorder, "ssh");
    s->emit("disconnect", {});
  }

 private:
  // What one connection has been given once logged in.
  struct Login {
    Session& s;
    bool tty = false;
    int width = 80, height = 24;
    std::unique_ptr<FakeShell> shell;
    std::unique_ptr<SessionRecorder> recorder;
    std::unique_ptr<Terminal> terminal;
    std::unique_ptr<ScpSink> scp;
    std::string scp_target;  // absolute; a directory the files go into, or the file itself
    bool scp_into_directory = true;
  };

  bool decide(Session& s, const SshAuthAttempt& a) {
    const bool ok = a.method != SshAuthMethod::kPublicKey && accepts(a.user, a.secret);
    Fields f{{"method", std::string(method_name(a.method))}};
    if (a.method == SshAuthMethod::kPublicKey) {
      f.emplace_back("key_type", a.key_type);
      f.emplace_back("key_fingerprint", a.key_fingerprint);
      append_credential(f, a.user, a.secret, "ssh_public_key", "failure");
    } else {
      append_credential(f, a.user, a.secret, {}, ok ? "success" : "failure");
    }
    s.emit("auth_attempt", std::move(f));
    return ok;
  }

  bool accepts(const std::string& user, const std::string& password) const {
    if (user == "root") return !root_password_.empty() && password == root_password_;
    return user == user_ && !user_password_.empty() && password == user_password_;
  }

  FakeShell& shell_of(Login& l, const std::string& user) {
    if (!l.shell) {
      l.shell = std::make_unique<FakeShell>(
          tree_, persona_, user,
          [&s = l.s](std::string_view event, Fields fields) { s.emit(event, std::move(fields)); });
    }
    return *l.shell;
  }

  void handle(Login& l, SshConnection& ssh, const SshChannelEvent& e) {
    const auto user = ssh.user().value_or("root");
    switch (e.kind) {
      case SshChannelEvent::Kind::kHello: {
        Fields f;
        const auto& hello = ssh.hello();
        if (hello.version()) f.emplace_back("client_version", *hello.version());
        if (hello.kexinit()) {
          f.emplace_back("hassh", hassh(*hello.kexinit()));
          f.emplace_back("hassh_algorithms", hassh_algorithms(*hello.kexinit()));
        }
        l.s.emit("connection", std::move(f));
        break;
      }
      case SshChannelEvent::Kind::kPty:
        l.tty = true;
        if (e.width > 0 && e.height > 0) l.width = e.width, l.height = e.height;
        break;
      case SshChannelEvent::Kind::kShell: {
        if (l.terminal) break;
        auto& sh = shell_of(l, user);
        l.recorder = std::make_unique<SessionRecorder>(l.s.id(), l.width, l.height);
        l.terminal = std::make_unique<Terminal>(
            sh, *l.recorder, l.tty, [&l, user](const std::string& line, const std::string& cwd) {
              emit_command(l.s, user, cwd, line);
            });
        ssh.write(l.terminal->start(login_banner(persona_)));
        break;
      }
      case SshChannelEvent::Kind::kExec: {
        if (l.terminal || l.scp) break;
        auto& sh = shell_of(l, user);
        emit_command(l.s, user, sh.cwd(), e.text);
        if (const auto target = scp_sink_target(e.text)) {
          l.scp = std::make_unique<ScpSink>(kMaxUpload);
          l.scp_target = sh.absolute(*target);
          l.scp_into_directory = sh.is_directory(*target) || target->ends_with('/');
          ssh.write(ScpSink::greeting());
          break;
        }
        const auto out = sh.run(e.text);
        ssh.write(l.tty ? crlf(out) : out);
        ssh.exit(0);
        break;
      }
      case SshChannelEvent::Kind::kData:
        if (l.scp) {
          ssh.write(l.scp->feed(e.text));
          for (const auto& f : l.scp->take_files()) report_upload(l, user, f);
          if (l.scp->failed()) ssh.exit(1);
          break;
        }
        if (!l.terminal) break;
        ssh.write(l.terminal->input(e.text));
        if (l.terminal->ended()) ssh.exit(0);
        break;
      case SshChannelEvent::Kind::kEof:
        if (l.scp) {
          if (const auto cut = l.scp->unfinished()) report_upload(l, user, *cut);
          l.scp.reset();
        }
        // A script piped into `ssh host` may end without a line ending.
        if (l.terminal && !l.terminal->ended()) ssh.write(l.terminal->input("\n"));
        ssh.exit(0);
        break;
      case SshChannelEvent::Kind::kForward:
        l.s.emit("port_forward_request",
                 {{"username", user}, {"dst_host", e.text}, {"dst_port", std::to_string(e.port)}});
        break;
    }
  }

  static void report_upload(Login& l, const std::string& user, const ScpSink::File& f) {
    // Into an existing directory the upload keeps its names; otherwise the target names the
    // file, or, for a directory sent with -r, replaces the directory's own name.
    const auto slash = f.path.find('/');
    const auto path = l.scp_into_directory
                          ? l.scp_target + (l.scp_target.ends_with('/') ? "" : "/") + f.path
                      : slash == std::string::npos ? l.scp_target
                                                   : l.scp_target + f.path.substr(slash);
    l.s.emit("file_captured",
             {{"sha256", core::sha256_hex(f.data)},
              {"size", std::to_string(f.data.size())},
              {"orig_path", path},
              {"ssh_user", user},
              {"method", "scp"},
              {"mode", f.mode},
              {"declared_size", std::to_string(f.size)},
              {"truncated", f.truncated ? "true" : "false"}},
             Severity::kWarning);
  }

  Persona persona_;
  std::string root_password_;
  std::string user_;
  std::string user_password_;
  SshEndpoint endpoint_;
  std::shared_ptr<const FakeTree> tree_;
};

}  // namespace

std::unique_ptr<Service> make_ssh_service(const Persona& persona, const ServiceSettings& settings) {
  return std::make_unique<SshService>(persona, settings);
}

}  // namespace decnet::decky
