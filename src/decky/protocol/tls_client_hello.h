// A TLS ClientHello read before the handshake answers it: the JA3 fingerprint of the client
// (version, cipher suites, extensions, groups and point formats, GREASE values left out, as
// the JA3 project defines it), the server name it asked for and the protocols it offers. The
// bytes are what the client sent first on the connection, one TLS record; anything else is
// not a ClientHello and gives nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::decky {

struct TlsClientHello {
  std::string ja3_string;  // "771,4865-4866,0-23-65281,29-23,0"
  std::string ja3;         // its MD5
  std::string server_name;
  std::vector<std::string> alpn;
};

// How many bytes the first record needs in all (header included), once its 5-byte header is
// there; nullopt when those bytes cannot start a TLS handshake record.
std::optional<std::size_t> tls_record_size(std::string_view first_bytes);

std::optional<TlsClientHello> parse_tls_client_hello(std::string_view record);

}  // namespace decnet::decky
