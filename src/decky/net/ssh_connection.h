// SSH on a decky Session, spoken by libssh. libssh owns one end of a socket pair; the decky
// relays the client's bytes to it through the Session, so every bound of session.h (bytes,
// idle time, lifetime, slow readers) holds for SSH as for any other service, and it reads the
// client's version and KEXINIT on the way (the HASSH fingerprint libssh does not expose).
// Everything runs on the Session's coroutine: libssh is driven without blocking after each
// piece of input, its callbacks decide authentication at once, and what a session channel asks
// for (a terminal, a shell, a command, typed bytes) is handed to the service as events, which it
// answers with write() and exit().
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decky/net/coroutines.h"
#include "decky/net/session.h"
#include "decky/protocol/ssh_client_hello.h"

namespace decnet::decky {

// The server's identity, shared by every connection of one service: its host keys (loaded
// from `key_dir`, generated there at first start so the decky keeps them across restarts) and
// the software version it announces.
class SshEndpoint {
 public:
  // Throws std::runtime_error naming the key file that cannot be read or written.
  SshEndpoint(const std::filesystem::path& key_dir, const std::string& version);
  ~SshEndpoint();
  SshEndpoint(const SshEndpoint&) = delete;
  SshEndpoint& operator=(const SshEndpoint&) = delete;

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

enum class SshAuthMethod { kPassword, kKeyboardInteractive, kPublicKey };

struct SshAuthAttempt {
  SshAuthMethod method = SshAuthMethod::kPassword;
  std::string user;
  std::string secret;           // the password, the typed answer, or the public key's blob
  std::string key_type;         // public key: "ssh-ed25519", ...
  std::string key_fingerprint;  // public key: "SHA256:..."
};

struct SshChannelEvent {
  // kHello comes once, first: the client's version and KEXINIT were read (or never will be).
  enum class Kind { kHello, kPty, kShell, kExec, kData, kEof, kForward };
  Kind kind = Kind::kData;
  std::string text;           // exec: the command; data: the bytes; pty: TERM; forward: host
  int width = 0, height = 0;  // pty
  int port = 0;               // forward: the port the client asked to reach
};

class SshConnection {
 public:
  // Decides an authentication attempt: true lets the client in.
  using AuthPolicy = std::function<bool(const SshAuthAttempt&)>;

  SshConnection(Session& session, const SshEndpoint& endpoint, AuthPolicy policy);
  ~SshConnection();
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;

  // Runs the connection until the session channel has something for the service; nullopt
  // when the connection is over. What write() and exit() queued is sent first.
  boost::asio::awaitable<std::optional<SshChannelEvent>> next();
  // Output on the session channel.
  void write(std::string_view bytes);
  // Ends the session channel with an exit status.
  void exit(int status);

  // What the client sent before encryption started (complete once hello().done()).
  const SshClientHello& hello() const;
  // The user the client logged in as, once it did.
  const std::optional<std::string>& user() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace decnet::decky
