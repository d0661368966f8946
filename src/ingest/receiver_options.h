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
  std::uint16_t tcp_port = 5514;
  std::string tcp_host = "127.0.0.1";

  bool udp_enabled = true;
  std::uint16_t udp_port = 5514;
  std::string udp_host = "127.0.0.1";
  std::size_t udp_receive_buffer_bytes = std::size_t{4} * 1024 * 1024;

  bool tls_enabled = false;
  std::uint16_t tls_port = 6514;
  std::string tls_host = "0.0.0.0";
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::filesystem::path tls_client_ca;               // set: client certificates signed by it
  std::vector<std::string> tls_client_fingerprints;  // set: only these SHA-256 (hex) certs

  bool relp_enabled = false;
  bool relp_tls = false;  // with the TLS receiver's certificate and client checks
  std::uint16_t relp_port = 2514;
  std::string relp_host = "127.0.0.1";

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
  o.tcp_enabled = config.syslog_tcp_enabled();
  o.tcp_host = config.syslog_tcp_host();
  o.tcp_port = config.syslog_tcp_port();
  o.udp_enabled = config.syslog_udp_enabled();
  o.udp_host = config.syslog_udp_host();
  o.udp_port = config.syslog_udp_port();
  o.udp_receive_buffer_bytes = static_cast<std::size_t>(config.syslog_udp_receive_buffer_bytes());
  o.tls_enabled = config.syslog_tls_enabled();
  o.tls_host = config.syslog_tls_host();
  o.tls_port = config.syslog_tls_port();
  o.tls_cert = config.syslog_tls_cert();
  o.tls_key = config.syslog_tls_key();
  o.tls_client_ca = config.syslog_tls_client_ca();
  const std::string& prints = config.syslog_tls_client_fingerprints();
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
  o.relp_enabled = config.syslog_relp_enabled();
  o.relp_host = config.syslog_relp_host();
  o.relp_port = config.syslog_relp_port();
  o.relp_tls = config.syslog_relp_tls();
  o.unix_socket = config.syslog_unix_socket();
  o.file = config.syslog_file();
  o.max_line_bytes = static_cast<std::size_t>(config.syslog_max_line_bytes());
  o.max_connections = static_cast<std::size_t>(config.syslog_max_connections());
  o.max_connections_per_address =
      static_cast<std::size_t>(config.syslog_max_connections_per_address());
  o.idle_timeout = std::chrono::seconds(config.syslog_idle_seconds());
  o.first_data_timeout = std::chrono::seconds(config.syslog_first_data_seconds());
  return o;
}

}  // namespace decnet::ingest
