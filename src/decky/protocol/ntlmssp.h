// NTLMSSP ([MS-NLMP]) as a server reads and writes it before refusing the login: the client's
// NEGOTIATE flags, a CHALLENGE naming the decky's persona (NetBIOS and DNS names, a fresh
// 8-byte server challenge), and the AUTHENTICATE answer — user, domain, workstation and the
// NT challenge response, which with the server challenge is what an offline cracker needs. SMB
// and RDP's NLA carry the same three messages inside their own framing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

enum NtlmMessageType : std::uint32_t {
  kNtlmNegotiate = 1,
  kNtlmChallenge = 2,
  kNtlmAuthenticate = 3,
};

// The message type of an NTLMSSP message; nullopt when `token` is not one.
std::optional<std::uint32_t> ntlm_message_type(std::string_view token);
// The flags a NEGOTIATE asks for; nullopt when it is not a NEGOTIATE.
std::optional<std::uint32_t> parse_ntlm_negotiate(std::string_view token);

struct NtlmServerIdentity {
  std::string netbios_domain;    // "WORKGROUP"
  std::string netbios_computer;  // upper case, at most 15 characters
  std::string dns_domain;
  std::string dns_computer;
  std::uint64_t filetime = 0;  // now, in 100 ns since 1601
};

// A CHALLENGE answering `client_flags` with `server_challenge`.
std::string ntlm_challenge(std::uint32_t client_flags, const NtlmServerIdentity& server,
                           const std::array<std::uint8_t, 8>& server_challenge);

struct NtlmAuthenticate {
  std::string user, domain, workstation;  // UTF-8
  std::string lm_response, nt_response;   // raw bytes
  std::uint32_t flags = 0;
  // "ntlmssp_v1" for a 24-byte NT response, "ntlmssp_v2" otherwise.
  std::string_view secret_kind() const;
  // DOMAIN\user, or the user alone when no domain was given.
  std::string principal() const;
};

// Nullopt when `token` is not an AUTHENTICATE or a field lies outside it.
std::optional<NtlmAuthenticate> parse_ntlm_authenticate(std::string_view token);

// 100 ns intervals since 1601-01-01, Windows' clock, for a Unix time in seconds.
std::uint64_t windows_filetime(std::int64_t unix_seconds);
std::uint64_t windows_filetime_now();

}  // namespace decnet::decky
