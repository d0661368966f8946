#include "decky/protocol/ssh_client_hello.h"

#include <cstdint>

#include "core/hash.h"
#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kMaxVersionLine = 255;  // RFC 4253 4.2, line ending included
constexpr std::uint32_t kMaxPacket = 35000;   // RFC 4253 6.1: what every peer must accept
constexpr std::uint8_t kMsgKexInit = 20;
constexpr std::size_t kCookie = 16;

// Reads one SSH name-list (uint32 length, then the names) at `at`; nullopt past the end.
std::optional<std::string> name_list(std::string_view payload, std::size_t& at) {
  if (payload.size() - at < 4) return std::nullopt;
  const auto length = read_be32(payload, at);
  at += 4;
  if (payload.size() - at < length) return std::nullopt;
  std::string out(payload.substr(at, length));
  at += length;
  return out;
}

std::optional<SshKexInit> parse_kexinit(std::string_view payload) {
  if (payload.size() < 1 + kCookie || static_cast<std::uint8_t>(payload[0]) != kMsgKexInit) {
    return std::nullopt;
  }
  std::size_t at = 1 + kCookie;
  // kex, host key, ciphers c2s and s2c, macs c2s and s2c, compression c2s and s2c.
  std::optional<std::string> lists[8];
  for (auto& list : lists) {
    list = name_list(payload, at);
    if (!list) return std::nullopt;
  }
  return SshKexInit{std::move(*lists[0]), std::move(*lists[1]), std::move(*lists[2]),
                    std::move(*lists[4]), std::move(*lists[6])};
}

}  // namespace

std::string hassh_algorithms(const SshKexInit& k) {
  return k.kex + ';' + k.ciphers + ';' + k.macs + ';' + k.compression;
}

std::string hassh(const SshKexInit& k) {
  return core::md5_hex(hassh_algorithms(k));
}

void SshClientHello::feed(std::string_view bytes) {
  if (state_ == State::kDone) return;
  // Never hold more than one version line or one largest packet.
  const std::size_t room = 4 + kMaxPacket + kMaxVersionLine - buffer_.size();
  buffer_.append(bytes.substr(0, std::min(bytes.size(), room)));
  if (state_ == State::kVersion) parse_version();
  if (state_ == State::kPacket) parse_packet();
}

void SshClientHello::parse_version() {
  const auto end = buffer_.find('\n');
  if (end == std::string::npos) {
    if (buffer_.size() >= kMaxVersionLine) state_ = State::kDone;
    return;
  }
  if (end + 1 > kMaxVersionLine || !buffer_.starts_with("SSH-")) {
    state_ = State::kDone;
    return;
  }
  auto line = buffer_.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  version_ = std::move(line);
  buffer_.erase(0, end + 1);
  state_ = State::kPacket;
}

void SshClientHello::parse_packet() {
  if (buffer_.size() < 5) return;
  const auto length = read_be32(buffer_, 0);
  const auto padding = static_cast<std::uint8_t>(buffer_[4]);
  if (length > kMaxPacket || length < std::uint32_t{padding} + 1) {
    state_ = State::kDone;
    return;
  }
  if (buffer_.size() - 4 < length) return;
  kexinit_ = parse_kexinit(std::string_view(buffer_).substr(5, length - padding - 1));
  state_ = State::kDone;
  buffer_.clear();
  buffer_.shrink_to_fit();
}

}  // namespace decnet::decky
