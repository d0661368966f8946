#include "decky/decky_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "core/config_files.h"
#include "core/hash.h"
#include "decky/service_registry.h"

namespace decnet::decky {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::uint16_t> parse_ports(const std::string& service, const std::string& text) {
  std::vector<std::uint16_t> out;
  for (const auto& item : split_list(text)) {
    std::size_t used = 0;
    long n = 0;
    try {
      n = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || n < 0 || n > 65535) {
      throw core::ConfigError(std::string(service)
                                  .append(".ports: '")
                                  .append(item)
                                  .append("' is not a port (0-65535)"));
    }
    out.push_back(static_cast<std::uint16_t>(n));
  }
  if (out.empty()) throw core::ConfigError(service + ".ports: at least one port is required");
  return out;
}

}  // namespace

bool same_service(const DeckyServiceConfig& a, const DeckyServiceConfig& b) {
  return a.name == b.name && a.ports == b.ports && a.settings == b.settings;
}

DeckyConfig load_decky_config(const core::Config& config, const std::filesystem::path& ini,
                              const ServiceOverrides& overrides) {
  DeckyConfig out;
  out.name = config.decky_name();
  // The name is a path component of the outbox as well as the lines' HOSTNAME.
  const auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  };
  if (out.name.empty() || out.name.size() > 64 || out.name.front() == '.' ||
      !std::all_of(out.name.begin(), out.name.end(), name_char)) {
    throw core::ConfigError(
        "DECNET_DECKY_NAME: 1 to 64 of A-Z a-z 0-9 . _ -, not starting with a dot");
  }
  out.bind = config.decky_bind();
  out.persona.hostname = config.decky_hostname().empty() ? out.name : config.decky_hostname();
  out.home = config.data_dir() / "decky" / out.name;
  out.status_file = out.home / "status.json";
  if (!ini.empty()) {
    std::ifstream in(ini, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out.config_digest = core::sha256_hex(text);
  }

  // [service.NAME] sections of the INI file, then the command line's values over them.
  ServiceOverrides given;
  if (!ini.empty()) {
    for (const auto& entry : core::read_ini_file(ini)) {
      if (entry.key == "tarpit.ports") {
        out.tarpit.ports = parse_ports("tarpit", entry.value);
        continue;
      }
      if (entry.key == "tarpit.delay_ms") {
        char* end = nullptr;
        const long value = std::strtol(entry.value.c_str(), &end, 10);
        if (entry.value.empty() || *end != '\0' || value < 100 || value > 300000) {
          throw core::ConfigError("tarpit.delay_ms: '" + entry.value +
                                  "' is not a delay from 100 to 300000 ms");
        }
        out.tarpit.delay = std::chrono::milliseconds(value);
        continue;
      }
      if (entry.key.rfind("service.", 0) != 0) continue;
      const auto rest = entry.key.substr(8);
      const auto dot = rest.find('.');
      if (dot == std::string::npos) continue;
      given[rest.substr(0, dot)][rest.substr(dot + 1)] = entry.value;
    }
  }
  for (const auto& [service, values] : overrides) {
    for (const auto& [key, value] : values) given[service][key] = value;
  }

  const auto names = split_list(config.decky_services());
  if (names.empty()) throw core::ConfigError("DECNET_DECKY_SERVICES: no service named");
  for (const auto& name : names) {
    const auto* spec = find_service(name);
    if (!spec) throw core::ConfigError("DECNET_DECKY_SERVICES: unknown service '" + name + "'");
    if (!spec->emulated()) {
      throw core::ConfigError("DECNET_DECKY_SERVICES: '" + name +
                              "' is not emulated by this decky yet");
    }
    if (std::any_of(out.services.begin(), out.services.end(),
                    [&](const DeckyServiceConfig& s) { return s.name == name; })) {
      throw core::ConfigError("DECNET_DECKY_SERVICES: '" + name + "' is listed twice");
    }
    DeckyServiceConfig service;
    service.name = name;
    auto values = given[name];
    service.ports = spec->ports;
    if (const auto it = values.find("ports"); it != values.end()) {
      service.ports = parse_ports(name, it->second);
      values.erase(it);
    }
    try {
      service.settings = validate_service_settings(*spec, values);
    } catch (const ServiceConfigError& e) {
      throw core::ConfigError(e.what());
    }
    // What a service keeps across restarts (SSH host keys, a TLS certificate) is the decky's
    // identity to the outside; by default it stays in the decky's data directory.
    if (std::any_of(spec->fields.begin(), spec->fields.end(),
                    [](const ServiceConfigField& f) { return f.key == "state_dir"; }) &&
        setting(service.settings, "state_dir").empty()) {
      service.settings["state_dir"] = (config.data_dir() / "decky" / out.name / name).string();
    }
    out.services.push_back(std::move(service));
  }
  for (const auto& entry : given) {
    const auto& service = entry.first;
    if (std::none_of(names.begin(), names.end(), [&](const auto& n) { return n == service; })) {
      throw core::ConfigError("service." + service +
                              ": settings for a service DECNET_DECKY_SERVICES does not run");
    }
  }
  std::vector<std::uint16_t> all_ports;
  for (const auto& s : out.services) {
    for (const auto port : s.ports) {
      if (port != 0 && std::find(all_ports.begin(), all_ports.end(), port) != all_ports.end()) {
        throw core::ConfigError(s.name + ".ports: port " + std::to_string(port) +
                                " is already used by another service");
      }
      all_ports.push_back(port);
    }
  }

  const auto& transport = config.decky_transport();
  out.uplink.transport = transport == "tcp"      ? UplinkTransport::kTcp
                         : transport == "stdout" ? UplinkTransport::kStdout
                                                 : UplinkTransport::kRelp;
  out.uplink.host = config.decky_master_host();
  out.uplink.port = config.decky_master_port();
  out.uplink.tls = config.decky_tls();
  out.uplink.ca_file = config.decky_tls_ca();
  out.uplink.cert_file = config.decky_tls_cert();
  out.uplink.key_file = config.decky_tls_key();
  if (out.uplink.cert_file.empty() != out.uplink.key_file.empty()) {
    throw core::ConfigError(
        "DECNET_DECKY_TLS_KEY: a client certificate needs its key, and a key"
        " its certificate (DECNET_DECKY_TLS_CERT)");
  }
  out.outbox_dir = config.decky_outbox_dir().empty()
                       ? config.data_dir() / "decky" / out.name / "outbox"
                       : config.decky_outbox_dir();
  out.outbox_max_bytes = static_cast<std::uint64_t>(config.decky_outbox_max_mib()) << 20;
  out.max_connections = static_cast<std::size_t>(config.decky_max_connections());
  out.max_connections_per_source =
      static_cast<std::size_t>(config.decky_max_connections_per_source());
  out.session.idle_timeout = std::chrono::seconds(config.decky_idle_timeout_seconds());
  out.session.max_lifetime = std::chrono::seconds(config.decky_max_session_seconds());
  out.run_as_user = config.decky_user();
  return out;
}

}  // namespace decnet::decky
