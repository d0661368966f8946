// Everything the syslog receivers are told by the configuration (DECNET_SYSLOG_*), gathered in
// one plain struct so the receivers themselves never read the configuration and tests can build
// them with any value. Certificate fingerprints are normalised here (lowercase hex, no colons)
// and a malformed one stops start-up with the setting's name, like any other bad value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config.h"

namespace decnet::ingest {

struct ReceiverOptions {
  bool tcp_enabled = true;
  std::string tcp_host = "127.0.0.1";
  std::uint16_t tcp_port = 5514;

  bool udp_enabled = true;
  std::string udp_host = "127.0.0.1";
  std::uint16_t udp_port = 5514;
  std::size_t udp_receive_buffer_bytes = std::size_t{4} * 1024 * 1024;

  bool tls_enabled = false;
  std::string tls_host = "0.0.0.0";
  std::uint16_t tls_port = 6514;
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::filesystem::path tls_client_ca;               // set: client certificates signed by it
  std::vector<std::string> tls_client_fingerprints;  // set: only these SHA-256 (hex) certs

  std::filesystem::path unix_socket;  // empty: off
  std::filesystem::path file;         // empty: off

  std::size_t max_line_bytes = 65536;
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 64;
  std::chrono::seconds idle_timeout{300};
  std::chrono::seconds first_data_timeout{10};

  static ReceiverOptions from_config(const core::Config& config);
};

// "AB:cd:..." or "abcd..." -> 64 lowercase hex digits; empty string when malformed.
inline std::string normalize_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
    out += c;
  }
  return out.size() == 64 ? out : std::string{};
}

inline ReceiverOptions ReceiverOptions::from_config(const core::Config& config) {
  ReceiverOptions o;
  const auto port = [&](std::string_view name) {
    return static_cast<std::uint16_t>(config.integer(name));
  };
  o.tcp_enabled = config.flag("DECNET_SYSLOG_TCP_ENABLED");
  o.tcp_host = config.str("DECNET_SYSLOG_TCP_HOST");
  o.tcp_port = port("DECNET_SYSLOG_TCP_PORT");
  o.udp_enabled = config.flag("DECNET_SYSLOG_UDP_ENABLED");
  o.udp_host = config.str("DECNET_SYSLOG_UDP_HOST");
  o.udp_port = port("DECNET_SYSLOG_UDP_PORT");
  o.udp_receive_buffer_bytes =
      static_cast<std::size_t>(config.integer("DECNET_SYSLOG_UDP_RECEIVE_BUFFER_BYTES"));
  o.tls_enabled = config.flag("DECNET_SYSLOG_TLS_ENABLED");
  o.tls_host = config.str("DECNET_SYSLOG_TLS_HOST");
  o.tls_port = port("DECNET_SYSLOG_TLS_PORT");
  o.tls_cert = config.path("DECNET_SYSLOG_TLS_CERT");
  o.tls_key = config.path("DECNET_SYSLOG_TLS_KEY");
  o.tls_client_ca = config.path("DECNET_SYSLOG_TLS_CLIENT_CA");
  const std::string& prints = config.str("DECNET_SYSLOG_TLS_CLIENT_FINGERPRINTS");
  std::size_t begin = 0;
  while (begin <= prints.size()) {
    auto end = prints.find(',', begin);
    if (end == std::string::npos) end = prints.size();
    std::string_view item(prints.data() + begin, end - begin);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      auto fp = normalize_fingerprint(item);
      if (fp.empty()) {
        throw core::ConfigError("DECNET_SYSLOG_TLS_CLIENT_FINGERPRINTS: '" + std::string(item) +
                                "' is not a SHA-256 fingerprint (64 hex digits, colons allowed)");
      }
      o.tls_client_fingerprints.push_back(std::move(fp));
    }
    begin = end + 1;
  }
  o.unix_socket = config.path("DECNET_SYSLOG_UNIX_SOCKET");
  o.file = config.path("DECNET_SYSLOG_FILE");
  o.max_line_bytes = static_cast<std::size_t>(config.integer("DECNET_SYSLOG_MAX_LINE_BYTES"));
  o.max_connections = static_cast<std::size_t>(config.integer("DECNET_SYSLOG_MAX_CONNECTIONS"));
  o.max_connections_per_address =
      static_cast<std::size_t>(config.integer("DECNET_SYSLOG_MAX_CONNECTIONS_PER_ADDRESS"));
  o.idle_timeout = std::chrono::seconds(config.integer("DECNET_SYSLOG_IDLE_SECONDS"));
  o.first_data_timeout = std::chrono::seconds(config.integer("DECNET_SYSLOG_FIRST_DATA_SECONDS"));
  return o;
}

}  // namespace decnet::ingest
