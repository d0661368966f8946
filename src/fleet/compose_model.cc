#include "fleet/compose_model.h"

#include <yaml-cpp/yaml.h>

namespace decnet::fleet {
namespace {

// The TTL a host of that OS starts its packets with: what a fingerprinting scan looks at first.
std::string default_ttl(const std::string& nmap_os) {
  return nmap_os.rfind("windows", 0) == 0 ? "128" : "64";
}

void base_container(YAML::Emitter& out, const decky::PlannedDecky& d,
                    const ComposeOptions& options) {
  out << YAML::Key << d.name << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "container_name" << YAML::Value << d.name;
  out << YAML::Key << "image" << YAML::Value << options.base_image;
  out << YAML::Key << "hostname" << YAML::Value << d.name;
  out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq << "sleep"
      << "infinity" << YAML::EndSeq;
  out << YAML::Key << "restart" << YAML::Value << "unless-stopped";
  out << YAML::Key << "networks" << YAML::Value << YAML::BeginMap << YAML::Key << "decnet_lan"
      << YAML::Value << YAML::BeginMap << YAML::Key << "ipv4_address" << YAML::Value << d.ip
      << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "sysctls" << YAML::Value << YAML::BeginMap << YAML::Key
      << "net.ipv4.ip_default_ttl" << YAML::Value << YAML::DoubleQuoted << default_ttl(d.nmap_os)
      << YAML::EndMap;
  out << YAML::Key << "cap_add" << YAML::Value << YAML::Flow << YAML::BeginSeq << "NET_ADMIN"
      << YAML::EndSeq;
  out << YAML::EndMap;
}

void service_container(YAML::Emitter& out, const decky::PlannedDecky& d, const std::string& service,
                       const ComposeOptions& options) {
  out << YAML::Key << d.name + "-" + service << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "image" << YAML::Value << options.decky_image;
  out << YAML::Key << "command" << YAML::Value << YAML::BeginSeq << "decnet"
      << "decky"
      << "run"
      << "--name" << d.name << "--services" << service << "--master"
      << options.master_host + ":" + std::to_string(options.master_port);
  if (const auto it = d.settings.find(service); it != d.settings.end()) {
    for (const auto& [key, value] : it->second) {
      if (value.empty() || key == "state_dir") continue;
      std::string assignment = service;
      assignment.append(".").append(key).append("=").append(value);
      out << "--set" << assignment;
    }
  }
  out << YAML::EndSeq;
  out << YAML::Key << "environment" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "HOSTNAME" << YAML::Value << d.name;
  out << YAML::Key << "DECNET_DECKY_HOSTNAME" << YAML::Value << d.name;
  out << YAML::Key << "DECNET_DECKY_BIND" << YAML::Value << "0.0.0.0";
  out << YAML::Key << "DECNET_DATA_DIR" << YAML::Value << "/var/lib/decnet";
  out << YAML::EndMap;
  out << YAML::Key << "network_mode" << YAML::Value << "service:" + d.name;
  out << YAML::Key << "depends_on" << YAML::Value << YAML::Flow << YAML::BeginSeq << d.name
      << YAML::EndSeq;
  out << YAML::Key << "restart" << YAML::Value << "unless-stopped";
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap << YAML::Key << "driver"
      << YAML::Value << "json-file" << YAML::Key << "options" << YAML::Value << YAML::BeginMap
      << YAML::Key << "max-size" << YAML::Value << "10m" << YAML::Key << "max-file" << YAML::Value
      << YAML::DoubleQuoted << "5" << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "decnet.fleet.service" << YAML::Value << YAML::DoubleQuoted << "true";
  out << YAML::Key << "decnet.fleet.decky" << YAML::Value << d.name;
  out << YAML::Key << "decnet.fleet.service_name" << YAML::Value << service;
  out << YAML::EndMap;
  out << YAML::EndMap;
}

}  // namespace

std::string compose_model(const decky::DeployPlan& plan, const ComposeOptions& options) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << "3.8";
  out << YAML::Key << "networks" << YAML::Value << YAML::BeginMap << YAML::Key << "decnet_lan"
      << YAML::Value << YAML::BeginMap << YAML::Key << "external" << YAML::Value << true
      << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "services" << YAML::Value << YAML::BeginMap;
  for (const auto& d : plan.deckies) {
    base_container(out, d, options);
    for (const auto& service : d.services) service_container(out, d, service, options);
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace decnet::fleet
