// What an SSH client says before anything is encrypted: its version line and its KEXINIT, the
// algorithm lists it offers. Those lists are the client's HASSH fingerprint (MD5 of
// "kex;ciphers;macs;compression", client to server), which names the tool behind a connection
// whatever address it comes from. The decky reads them from the bytes it relays to the SSH
// library, so the parser is fed the client's stream in pieces and gives up (done, nothing
// found) on anything that is not a well-formed SSH-2 start.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

struct SshKexInit {
  std::string kex;
  std::string host_key;
  std::string ciphers;      // client to server
  std::string macs;         // client to server
  std::string compression;  // client to server
};

// "kex;ciphers;macs;compression" and its MD5, as the HASSH project defines them.
std::string hassh_algorithms(const SshKexInit& k);
std::string hassh(const SshKexInit& k);

class SshClientHello {
 public:
  // Takes the next bytes the client sent. Once done(), further bytes are ignored.
  void feed(std::string_view bytes);

  bool done() const { return state_ == State::kDone; }
  // The version line without its line ending ("SSH-2.0-OpenSSH_9.2p1 Debian-2"), when read.
  const std::optional<std::string>& version() const { return version_; }
  // The client's KEXINIT, when its first packet was one.
  const std::optional<SshKexInit>& kexinit() const { return kexinit_; }

 private:
  enum class State { kVersion, kPacket, kDone };
  void parse_version();
  void parse_packet();

  State state_ = State::kVersion;
  std::string buffer_;
  std::size_t lines_ = 0;
  std::optional<std::string> version_;
  std::optional<SshKexInit> kexinit_;
};

}  // namespace decnet::decky
