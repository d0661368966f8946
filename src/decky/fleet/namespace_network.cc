#include "decky/fleet/namespace_network.h"

#include "core/hash.h"
#include "core/subprocess.h"
#include "core/text.h"

namespace decnet::decky {
namespace {

constexpr std::string_view kNamespacePrefix = "decnet-";

// Runs one step; throws FleetError with the command and what it said.
void step(const std::vector<std::string>& argv) {
  const auto r = core::run_process(argv);
  if (r.ok()) return;
  std::string command;
  for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
  throw FleetError(command + ": " +
                   (r.timed_out ? "timed out" : std::string(core::trim(r.output, " \t\r\n"))));
}

// Runs a removal step; a thing already gone is not an error.
void remove_step(const std::vector<std::string>& argv) {
  const auto r = core::run_process(argv);
  if (r.ok()) return;
  if (r.output.find("Cannot find device") != std::string::npos ||
      r.output.find("No such file") != std::string::npos ||
      r.output.find("does not exist") != std::string::npos) {
    return;
  }
  step(argv);  // report it
}

std::string hex_of(const std::string& decky, std::size_t digits) {
  return core::sha256_hex(decky).substr(0, digits);
}

}  // namespace

NamespaceNetwork::NamespaceNetwork(std::string bridge) : bridge_(std::move(bridge)) {
  if (bridge_.empty() || bridge_.size() > 15) {
    throw FleetError("bridge name '" + bridge_ + "' is not 1 to 15 characters");
  }
}

std::string NamespaceNetwork::namespace_of(const std::string& decky) {
  return std::string(kNamespacePrefix) + decky;
}

std::string NamespaceNetwork::host_veth_of(const std::string& decky) {
  return "dv" + hex_of(decky, 12);
}

std::string NamespaceNetwork::mac_of(const std::string& decky) {
  // Locally administered, unicast: 02 then five bytes of the name's hash.
  const auto h = hex_of(decky, 10);
  std::string mac = "02";
  for (std::size_t i = 0; i < h.size(); i += 2) mac += ":" + h.substr(i, 2);
  return mac;
}

void NamespaceNetwork::ensure_bridge(const std::string& gateway, int prefix_length) const {
  if (!core::run_process({"ip", "link", "show", "dev", bridge_}).ok()) {
    step({"ip", "link", "add", "name", bridge_, "type", "bridge"});
  }
  step({"ip", "addr", "replace", gateway + "/" + std::to_string(prefix_length), "dev", bridge_});
  step({"ip", "link", "set", "dev", bridge_, "up"});
}

void NamespaceNetwork::add_decky(const std::string& name, const std::string& ip, int prefix_length,
                                 const std::string& gateway) const {
  const auto ns = namespace_of(name);
  const auto host = host_veth_of(name);
  const auto peer = "dp" + hex_of(name, 12);
  // A namespace of that name already there is another decky's: fail without touching it.
  step({"ip", "netns", "add", ns});
  try {
    step({"ip", "link", "add", host, "type", "veth", "peer", "name", peer});
    step({"ip", "link", "set", peer, "netns", ns});
    step({"ip", "link", "set", host, "master", bridge_, "up"});
    step({"ip", "-n", ns, "link", "set", peer, "name", "eth0", "address", mac_of(name)});
    step({"ip", "-n", ns, "addr", "add", ip + "/" + std::to_string(prefix_length), "dev", "eth0"});
    step({"ip", "-n", ns, "link", "set", "eth0", "up"});
    step({"ip", "-n", ns, "link", "set", "lo", "up"});
    step({"ip", "-n", ns, "route", "add", "default", "via", gateway});
  } catch (const FleetError&) {
    remove_decky(name);
    throw;
  }
}

void NamespaceNetwork::remove_decky(const std::string& name) const {
  remove_step({"ip", "link", "del", host_veth_of(name)});
  remove_step({"ip", "netns", "del", namespace_of(name)});
}

bool NamespaceNetwork::remove_bridge_if_empty() const {
  const auto plugged = core::run_process({"ip", "-o", "link", "show", "master", bridge_});
  if (!plugged.ok()) return !core::run_process({"ip", "link", "show", "dev", bridge_}).ok();
  if (!core::trim(plugged.output, " \t\r\n").empty()) return false;
  remove_step({"ip", "link", "del", bridge_});
  return true;
}

std::vector<std::string> NamespaceNetwork::deckies() {
  std::vector<std::string> out;
  const auto list = core::run_process({"ip", "netns", "list"});
  std::size_t start = 0;
  while (start < list.output.size()) {
    const auto end = list.output.find('\n', start);
    const auto line = list.output.substr(start, end == std::string::npos ? end : end - start);
    start = end == std::string::npos ? list.output.size() : end + 1;
    const auto name = line.substr(0, line.find(' '));  // "decnet-x (id: 3)"
    if (name.rfind(kNamespacePrefix, 0) == 0) out.push_back(name.substr(kNamespacePrefix.size()));
  }
  return out;
}

}  // namespace decnet::decky
