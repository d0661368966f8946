#include "decky/net/ssh_connection.h"

#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <stdexcept>
#include <system_error>

#include "core/base64.h"

namespace decnet::decky {

namespace asio = boost::asio;

namespace {

constexpr int kMaxAuthAttempts = 6;  // OpenSSH's MaxAuthTries
constexpr int kMaxPumpRounds = 256;  // libssh reads 4 KiB a round; a read is at most 16 KiB
constexpr std::size_t kMaxEventBytes = 1 << 20;  // channel data queued for the service

struct KeySpec {
  const char* file;
  ssh_keytypes_e type;
  int bits;
};

// The host keys of a stock Debian sshd.
constexpr KeySpec kHostKeys[] = {{"ssh_host_rsa_key", SSH_KEYTYPE_RSA, 3072},
                                 {"ssh_host_ecdsa_key", SSH_KEYTYPE_ECDSA_P256, 256},
                                 {"ssh_host_ed25519_key", SSH_KEYTYPE_ED25519, 0}};

ssh_key load_or_make_key(const std::filesystem::path& dir, const KeySpec& spec) {
  const auto path = dir / spec.file;
  ssh_key key = nullptr;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
      throw std::runtime_error("cannot read the SSH host key " + path.string());
    }
    return key;
  }
  if (ssh_pki_generate(spec.type, spec.bits, &key) != SSH_OK) {
    throw std::runtime_error("cannot generate the SSH host key " + path.string());
  }
  const auto old_mask = ::umask(077);
  const int rc = ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, path.c_str());
  ::umask(old_mask);
  if (rc != SSH_OK) {
    ssh_key_free(key);
    throw std::runtime_error("cannot write the SSH host key " + path.string());
  }
  return key;
}

std::size_t unread_bytes(int fd) {
  int n = 0;
  if (fd < 0 || ::ioctl(fd, FIONREAD, &n) != 0 || n < 0) return 0;
  return static_cast<std::size_t>(n);
}

}  // namespace

struct SshEndpoint::Impl {
  ssh_bind bind = nullptr;
};

SshEndpoint::SshEndpoint(const std::filesystem::path& key_dir, const std::string& version)
    : impl_(std::make_unique<Impl>()) {
  std::error_code ec;
  std::filesystem::create_directories(key_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + key_dir.string() + ": " + ec.message());
  impl_->bind = ssh_bind_new();
  if (!impl_->bind) throw std::runtime_error("cannot create an SSH server");
  // The system's libssh configuration is not the decky's: it would change what it announces.
  const bool no = false;
  ssh_bind_options_set(impl_->bind, SSH_BIND_OPTIONS_PROCESS_CONFIG, &no);
  ssh_bind_options_set(impl_->bind, SSH_BIND_OPTIONS_BANNER, version.c_str());
  for (const auto& spec : kHostKeys) {
    // The bind owns an imported key from here on.
    if (ssh_bind_options_set(impl_->bind, SSH_BIND_OPTIONS_IMPORT_KEY,
                             load_or_make_key(key_dir, spec)) != SSH_OK) {
      throw std::runtime_error(std::string("cannot use the SSH host key ") + spec.file);
    }
  }
}

SshEndpoint::~SshEndpoint() {
  if (impl_->bind) ssh_bind_free(impl_->bind);
}

struct SshConnection::Impl {
  Impl(Session& session, AuthPolicy auth) : s(session), policy(std::move(auth)) {}

  Session& s;
  AuthPolicy policy;
  SshClientHello hello;
  bool hello_reported = false;
  ssh_session ssh = nullptr;
  ssh_event event = nullptr;
  ssh_channel channel = nullptr;
  int ours = -1;    // our end of the pair
  int theirs = -1;  // libssh's end, owned by libssh; only asked how much it holds
  bool kex_done = false;
  bool over = false;
  bool closed_by_us = false;
  int failures = 0;
  std::optional<std::string> user;
  std::string kbdint_user;
  std::deque<SshChannelEvent> events;
  std::size_t queued_bytes = 0;
  ssh_server_callbacks_struct server_callbacks{};
  ssh_channel_callbacks_struct channel_callbacks{};

  void push(SshChannelEvent e) {
    queued_bytes += e.text.size();
    events.push_back(std::move(e));
  }

  bool decide(const SshAuthAttempt& attempt) {
    const bool ok = policy(attempt);
    if (ok) {
      user = attempt.user;
    } else if (++failures >= kMaxAuthAttempts) {
      over = true;
    }
    return ok;
  }

  // Runs libssh on what it has been given, without waiting for more.
  void pump() {
    for (int round = 0; round < kMaxPumpRounds && !over; ++round) {
      if (!kex_done) {
        const int rc = ssh_handle_key_exchange(ssh);
        if (rc == SSH_OK) {
          kex_done = true;
          ssh_event_add_session(event, ssh);
        } else if (rc != SSH_AGAIN) {
          over = true;
        }
      } else if (ssh_event_dopoll(event, 0) == SSH_ERROR) {
        over = true;
      }
      if (!over && (ssh_get_status(ssh) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0) over = true;
      if (unread_bytes(theirs) == 0) break;
    }
  }

  // What libssh wrote, to go to the client.
  std::string drain() {
    std::string out;
    char buffer[16384];
    while (true) {
      const auto n = ::read(ours, buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Hands the client's bytes to libssh; false when it will not take them.
  bool give(std::string_view bytes) {
    for (int round = 0; !bytes.empty() && round < kMaxPumpRounds; ++round) {
      const auto n = ::send(ours, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return false;
      } else {
        pump();  // libssh has not read what it holds yet
        if (over) return false;
      }
    }
    return bytes.empty();
  }

  static Impl& of(void* userdata) { return *static_cast<Impl*>(userdata); }

  static int on_password(ssh_session, const char* user, const char* password, void* ud) {
    return of(ud).decide(
               {SshAuthMethod::kPassword, user ? user : "", password ? password : "", {}, {}})
               ? SSH_AUTH_SUCCESS
               : SSH_AUTH_DENIED;
  }

  // Offered keys are recorded and refused: a decky cannot know any key, and a refused key
  // makes the client go on to passwords.
  static int on_public_key(ssh_session, const char* user, ssh_key_struct* key, char, void* ud) {
    SshAuthAttempt a{SshAuthMethod::kPublicKey, user ? user : "", {}, {}, {}};
    char* encoded = nullptr;
    if (ssh_pki_export_pubkey_base64(key, &encoded) == SSH_OK && encoded) {
      a.secret = core::base64_decode(encoded).value_or("");
      ssh_string_free_char(encoded);
    }
    const char* type = ssh_key_type_to_char(ssh_key_type(key));
    a.key_type = type ? type : "unknown";
    unsigned char* hash = nullptr;
    std::size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK) {
      if (char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length)) {
        a.key_fingerprint = text;
        ssh_string_free_char(text);
      }
      ssh_clean_pubkey_hash(&hash);
    }
    auto& self = of(ud);
    const bool accepted = self.policy(a);
    if (!accepted && ++self.failures >= kMaxAuthAttempts) self.over = true;
    return SSH_AUTH_DENIED;
  }

  static ssh_channel on_session_channel(ssh_session session, void* ud) {
    auto& self = of(ud);
    if (self.channel || !self.user) return nullptr;  // one session channel per connection
    self.channel = ssh_channel_new(session);
    if (self.channel) ssh_set_channel_callbacks(self.channel, &self.channel_callbacks);
    return self.channel;
  }

  static int on_pty(ssh_session, ssh_channel, const char* term, int width, int height, int, int,
                    void* ud) {
    of(ud).push({SshChannelEvent::Kind::kPty, term ? term : "", width, height, 0});
    return 0;
  }
  static int on_shell(ssh_session, ssh_channel, void* ud) {
    of(ud).push({SshChannelEvent::Kind::kShell, {}, 0, 0, 0});
    return 0;
  }
  static int on_exec(ssh_session, ssh_channel, const char* command, void* ud) {
    of(ud).push({SshChannelEvent::Kind::kExec, command ? command : "", 0, 0, 0});
    return 0;
  }
  static int on_env(ssh_session, ssh_channel, const char*, const char*, void*) { return 0; }
  static int on_window(ssh_session, ssh_channel, int, int, int, int, void*) { return 0; }
  // sftp and other subsystems are refused, as on a host that has none configured.
  static int on_subsystem(ssh_session, ssh_channel, const char*, void*) { return -1; }

  static int on_data(ssh_session, ssh_channel, void* data, std::uint32_t len, int, void* ud) {
    auto& self = of(ud);
    if (self.queued_bytes + len > kMaxEventBytes) return 0;  // the window closes: backpressure
    const std::string_view bytes(static_cast<const char*>(data), len);
    if (!self.events.empty() && self.events.back().kind == SshChannelEvent::Kind::kData) {
      self.events.back().text.append(bytes);
      self.queued_bytes += len;
    } else {
      self.push({SshChannelEvent::Kind::kData, std::string(bytes), 0, 0, 0});
    }
    return static_cast<int>(len);
  }
  static void on_eof(ssh_session, ssh_channel, void* ud) {
    of(ud).push({SshChannelEvent::Kind::kEof, {}, 0, 0, 0});
  }
  static void on_close(ssh_session, ssh_channel, void* ud) {
    of(ud).push({SshChannelEvent::Kind::kEof, {}, 0, 0, 0});
  }

  // What the server callbacks leave: keyboard-interactive logins and port forwarding.
  static int on_message(ssh_session session, ssh_message message, void* ud) {
    auto& self = of(ud);
    const int type = ssh_message_type(message);
    const int subtype = ssh_message_subtype(message);
    if (type == SSH_REQUEST_AUTH && subtype == SSH_AUTH_METHOD_INTERACTIVE) {
      if (!ssh_message_auth_kbdint_is_response(message)) {
        // The answers come in a message of their own that names no user.
        const char* user = ssh_message_auth_user(message);
        self.kbdint_user = user ? user : "";
        const char* prompts[] = {"Password: "};
        char echo[] = {0};
        ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
        return 0;
      }
      const char* answer = ssh_userauth_kbdint_getnanswers(session) > 0
                               ? ssh_userauth_kbdint_getanswer(session, 0)
                               : nullptr;
      if (self.decide({SshAuthMethod::kKeyboardInteractive,
                       self.kbdint_user,
                       answer ? answer : "",
                       {},
                       {}})) {
        ssh_message_auth_reply_success(message, 0);
        return 0;
      }
      return 1;
    }
    if (type == SSH_REQUEST_CHANNEL_OPEN && subtype == SSH_CHANNEL_DIRECT_TCPIP && self.user) {
      const char* host = ssh_message_channel_request_open_destination(message);
      self.push({SshChannelEvent::Kind::kForward, host ? host : "", 0, 0,
                 ssh_message_channel_request_open_destination_port(message)});
    }
    return 1;  // refused, or answered as libssh does by default
  }
};

SshConnection::SshConnection(Session& session, const SshEndpoint& endpoint, AuthPolicy policy)
    : impl_(std::make_unique<Impl>(session, std::move(policy))) {
  auto& m = *impl_;
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
    m.over = true;
    return;
  }
  m.ours = pair[0];
  m.theirs = pair[1];
  m.ssh = ssh_new();
  m.event = ssh_event_new();
  if (!m.ssh || !m.event || ssh_bind_accept_fd(endpoint.impl().bind, m.ssh, m.theirs) != SSH_OK) {
    if (!m.ssh || !m.event) ::close(m.theirs);  // otherwise libssh holds it
    m.over = true;
    return;
  }
  ssh_set_blocking(m.ssh, 0);
  ssh_set_auth_methods(
      m.ssh, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_INTERACTIVE);
  m.server_callbacks.userdata = &m;
  m.server_callbacks.auth_password_function = &Impl::on_password;
  m.server_callbacks.auth_pubkey_function = &Impl::on_public_key;
  m.server_callbacks.channel_open_request_session_function = &Impl::on_session_channel;
  ssh_callbacks_init(&m.server_callbacks);
  ssh_set_server_callbacks(m.ssh, &m.server_callbacks);
  m.channel_callbacks.userdata = &m;
  m.channel_callbacks.channel_pty_request_function = &Impl::on_pty;
  m.channel_callbacks.channel_shell_request_function = &Impl::on_shell;
  m.channel_callbacks.channel_exec_request_function = &Impl::on_exec;
  m.channel_callbacks.channel_env_request_function = &Impl::on_env;
  m.channel_callbacks.channel_pty_window_change_function = &Impl::on_window;
  m.channel_callbacks.channel_subsystem_request_function = &Impl::on_subsystem;
  m.channel_callbacks.channel_data_function = &Impl::on_data;
  m.channel_callbacks.channel_eof_function = &Impl::on_eof;
  m.channel_callbacks.channel_close_function = &Impl::on_close;
  ssh_callbacks_init(&m.channel_callbacks);
  ssh_set_message_callback(m.ssh, &Impl::on_message, &m);
}

SshConnection::~SshConnection() {
  auto& m = *impl_;
  if (m.channel) ssh_channel_free(m.channel);
  if (m.event) {
    if (m.kex_done) ssh_event_remove_session(m.event, m.ssh);
    ssh_event_free(m.event);
  }
  if (m.ssh) ssh_free(m.ssh);  // closes libssh's end of the pair
  if (m.ours >= 0) ::close(m.ours);
}

asio::awaitable<std::optional<SshChannelEvent>> SshConnection::next() {
  auto& m = *impl_;
  while (true) {
    if (m.ssh && !m.over) m.pump();
    if (m.ours >= 0) {
      const auto out = m.drain();
      if (!out.empty()) {
        const bool sent = co_await m.s.write(out);
        if (!sent) m.over = true;
      }
    }
    if (!m.hello_reported && (m.hello.done() || m.over)) {
      m.hello_reported = true;
      co_return SshChannelEvent{SshChannelEvent::Kind::kHello, {}, 0, 0, 0};
    }
    if (!m.events.empty()) {
      auto e = std::move(m.events.front());
      m.events.pop_front();
      m.queued_bytes -= e.text.size();
      co_return e;
    }
    // After exit() the client closes the channel and disconnects; waiting for that (within the
    // Session's idle bound) lets its exit status arrive instead of a reset.
    if (m.over) co_return std::nullopt;
    const auto bytes = co_await m.s.read_some(16384);
    if (bytes.empty()) co_return std::nullopt;
    m.hello.feed(bytes);
    if (!m.give(bytes)) m.over = true;
  }
}

void SshConnection::write(std::string_view bytes) {
  auto& m = *impl_;
  if (!m.channel || m.closed_by_us || bytes.empty()) return;
  ssh_channel_write(m.channel, bytes.data(), static_cast<std::uint32_t>(bytes.size()));
}

void SshConnection::exit(int status) {
  auto& m = *impl_;
  if (!m.channel || m.closed_by_us) return;
  ssh_channel_request_send_exit_status(m.channel, status);
  ssh_channel_send_eof(m.channel);
  ssh_channel_close(m.channel);
  m.closed_by_us = true;
}

const SshClientHello& SshConnection::hello() const {
  return impl_->hello;
}

const std::optional<std::string>& SshConnection::user() const {
  return impl_->user;
}

}  // namespace decnet::decky
