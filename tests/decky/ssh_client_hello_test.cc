// The client's first bytes as RFC 4253 lays them out: a version line, then a binary packet
// holding KEXINIT, fed in arbitrary pieces; anything malformed ends the parse with nothing.
#include "decky/protocol/ssh_client_hello.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "core/hash.h"
#include "wire_bytes.h"

namespace decnet::decky {
namespace {

using namespace wire_bytes;

std::string name_list(const std::string& names) {
  return be32(static_cast<std::uint32_t>(names.size())) + names;
}

// A KEXINIT payload with the given lists (client to server and back the same), then packet
// framing with `padding` bytes of padding.
std::string kexinit_packet(const std::vector<std::string>& lists, std::uint8_t padding = 6) {
  std::string payload(1, '\x14');
  payload += std::string(16, '\x5a');  // cookie
  for (const auto& l : lists) payload += name_list(l);
  payload += '\0';     // first_kex_packet_follows
  payload += be32(0);  // reserved
  std::string packet(1, static_cast<char>(padding));
  packet += payload;
  packet += std::string(padding, '\0');
  return be32(static_cast<std::uint32_t>(packet.size())) + packet;
}

const std::vector<std::string> kLists = {"curve25519-sha256,ecdh-sha2-nistp256,ext-info-c",
                                         "ssh-ed25519,rsa-sha2-512",
                                         "chacha20-poly1305@openssh.com,aes128-ctr",
                                         "aes256-ctr",
                                         "umac-64-etm@openssh.com,hmac-sha2-256",
                                         "hmac-sha1",
                                         "none,zlib@openssh.com",
                                         "none",
                                         "",
                                         ""};

TEST(SshClientHello, ReadsVersionAndKexInitFedInPieces) {
  const std::string stream =
      "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + kexinit_packet(kLists) + "trailing bytes";
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    SshClientHello hello;
    std::size_t at = 0;
    while (at < stream.size()) {
      const auto n = std::uniform_int_distribution<std::size_t>(1, 40)(rng);
      hello.feed(std::string_view(stream).substr(at, n));
      at += n;
    }
    ASSERT_TRUE(hello.done());
    ASSERT_TRUE(hello.version());
    EXPECT_EQ(*hello.version(), "SSH-2.0-OpenSSH_9.2p1 Debian-2");
    ASSERT_TRUE(hello.kexinit());
    const auto& k = *hello.kexinit();
    EXPECT_EQ(k.kex, kLists[0]);
    EXPECT_EQ(k.host_key, kLists[1]);
    EXPECT_EQ(k.ciphers, kLists[2]);
    EXPECT_EQ(k.macs, kLists[4]);
    EXPECT_EQ(k.compression, kLists[6]);
  }
}

TEST(SshClientHello, HasshIsMd5OfClientToServerLists) {
  SshClientHello hello;
  hello.feed("SSH-2.0-x\n" + kexinit_packet(kLists));
  ASSERT_TRUE(hello.kexinit());
  const std::string expected = kLists[0] + ";" + kLists[2] + ";" + kLists[4] + ";" + kLists[6];
  EXPECT_EQ(hassh_algorithms(*hello.kexinit()), expected);
  EXPECT_EQ(hassh(*hello.kexinit()), core::md5_hex(expected));
}

TEST(SshClientHello, NotSshEndsWithNothing) {
  SshClientHello hello;
  hello.feed("GET / HTTP/1.1\r\n");
  EXPECT_TRUE(hello.done());
  EXPECT_FALSE(hello.version());
  EXPECT_FALSE(hello.kexinit());
}

TEST(SshClientHello, VersionLineOverTheBoundEnds) {
  SshClientHello hello;
  hello.feed("SSH-2.0-" + std::string(400, 'a'));
  EXPECT_TRUE(hello.done());
  EXPECT_FALSE(hello.version());
}

TEST(SshClientHello, OversizedOrShortPacketsGiveNoKexInit) {
  {
    SshClientHello hello;
    hello.feed("SSH-2.0-x\r\n" + be32(1u << 30) + "\x04");
    EXPECT_TRUE(hello.done());
    EXPECT_TRUE(hello.version());
    EXPECT_FALSE(hello.kexinit());
  }
  {
    // Padding longer than the packet.
    SshClientHello hello;
    hello.feed("SSH-2.0-x\r\n" + be32(4) + std::string("\x09\x14\0\0", 4));
    EXPECT_TRUE(hello.done());
    EXPECT_FALSE(hello.kexinit());
  }
  {
    // A name list claiming more bytes than the payload holds.
    std::string payload = std::string(1, '\x14') + std::string(16, 'c') + be32(1000) + "abc";
    std::string packet = std::string(1, '\x04') + payload + std::string(4, '\0');
    SshClientHello hello;
    hello.feed("SSH-2.0-x\r\n" + be32(static_cast<std::uint32_t>(packet.size())) + packet);
    EXPECT_TRUE(hello.done());
    EXPECT_FALSE(hello.kexinit());
  }
}

TEST(SshClientHello, FirstPacketNotKexInitGivesNone) {
  auto packet = kexinit_packet(kLists);
  packet[5] = '\x15';  // NEWKEYS instead of KEXINIT
  SshClientHello hello;
  hello.feed("SSH-2.0-x\r\n" + packet);
  EXPECT_TRUE(hello.done());
  EXPECT_TRUE(hello.version());
  EXPECT_FALSE(hello.kexinit());
}

TEST(SshClientHello, IgnoresBytesOnceDone) {
  SshClientHello hello;
  hello.feed("SSH-2.0-first\r\n" + kexinit_packet(kLists));
  hello.feed("SSH-2.0-second\r\n" + kexinit_packet({"x", "", "", "", "", "", "", "", "", ""}));
  EXPECT_EQ(*hello.version(), "SSH-2.0-first");
  EXPECT_EQ(hello.kexinit()->kex, kLists[0]);
}

}  // namespace
}  // namespace decnet::decky
