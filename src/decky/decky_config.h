// Everything one decky process is told: its own settings come from the one settings table
// (DECNET_DECKY_*, or the [decky] section of its INI file); each service's fields come from the
// [service.NAME] section of the same file, checked against the service registry, with `ports`
// to move a service off its usual ports. Any mistake stops start-up naming the setting.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "decky/emit/uplink.h"
#include "decky/net/session.h"
#include "decky/service.h"

namespace decnet::decky {

struct DeckyServiceConfig {
  std::string name;
  std::vector<std::uint16_t> ports;
  ServiceSettings settings;
};

// Connections to these ports are slowed down: every answer waits `delay` first.
struct TarpitConfig {
  std::vector<std::uint16_t> ports;
  std::chrono::milliseconds delay{0};
  bool covers(std::uint16_t port) const {
    return delay.count() > 0 && std::find(ports.begin(), ports.end(), port) != ports.end();
  }
};

struct DeckyConfig {
  std::string name;
  std::string bind = "127.0.0.1";
  Persona persona;
  std::vector<DeckyServiceConfig> services;
  UplinkOptions uplink;
  std::filesystem::path outbox_dir;
  std::uint64_t outbox_max_bytes = std::uint64_t{256} << 20;
  std::size_t max_connections = 16384;
  std::size_t max_connections_per_source = 64;
  SessionLimits session;
  std::string run_as_user;
  TarpitConfig tarpit;  // the [tarpit] section: ports = 22,80 and delay_ms = 100..300000
  // The decky's own directory (<data dir>/decky/<name>): its services' state and its status
  // file; handed to run_as_user with the outbox.
  std::filesystem::path home;
  // Rewritten every status_interval: a heartbeat with per-service counters, and the digest of
  // the configuration in force, so whoever changed the INI sees when the change is applied.
  std::filesystem::path status_file;
  std::chrono::seconds status_interval{5};
  std::string config_digest;  // SHA-256 of the INI text the configuration was read from
};

// Per-service values given on the command line or in the INI file: service -> key -> value.
using ServiceOverrides = std::map<std::string, std::map<std::string, std::string>>;

// True when two service lists would be served the same way (names, ports and settings, in any
// order).
bool same_service(const DeckyServiceConfig& a, const DeckyServiceConfig& b);

// Builds the decky's configuration. `ini` is the file whose [service.*] sections are read (the
// same file core::Config read the [decky] section from); `overrides` win over it. Throws
// core::ConfigError naming the setting ("DECNET_DECKY_SERVICES", "ftp.ports", ...).
DeckyConfig load_decky_config(const core::Config& config, const std::filesystem::path& ini,
                              const ServiceOverrides& overrides = {});

}  // namespace decnet::decky
