// The network a fleet of deckies lives on when deployed on this host: a Linux bridge holding
// the gateway address (the host's own side of the fleet's subnet), and per decky a network
// namespace whose eth0 is one end of a veth pair plugged into the bridge, with the decky's
// address, a MAC derived from its name and a default route through the gateway. The host then
// reaches every decky directly, and each decky reaches the host at the gateway.
//
// Made with iproute2's `ip`, one checked step at a time; a decky whose making fails halfway is
// taken down again, and taking down removes exactly what making made (the bridge only once no
// decky is plugged into it). Names are derived from the decky's, so that a master restarted
// later finds what is there: namespace `decnet-<name>`, host-side veth `dv<12 hex>`.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace decnet::decky {

class FleetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NamespaceNetwork {
 public:
  // `bridge`: at most 15 characters (a Linux interface name).
  explicit NamespaceNetwork(std::string bridge);

  // Creates the bridge if missing, with `gateway`/`prefix_length` on it, and brings it up.
  void ensure_bridge(const std::string& gateway, int prefix_length) const;
  // The decky's namespace, veth pair, address and route. Throws FleetError naming the step
  // that failed, with nothing of the decky left behind.
  void add_decky(const std::string& name, const std::string& ip, int prefix_length,
                 const std::string& gateway) const;
  // Whatever of the decky's namespace and veth exists; nothing when neither does.
  void remove_decky(const std::string& name) const;
  // Removes the bridge when no interface is plugged into it; true when it is gone.
  bool remove_bridge_if_empty() const;

  // The deckies with a namespace on this host.
  static std::vector<std::string> deckies();
  static std::string namespace_of(const std::string& decky);
  static std::string host_veth_of(const std::string& decky);
  static std::string mac_of(const std::string& decky);

  const std::string& bridge() const { return bridge_; }

 private:
  std::string bridge_;
};

}  // namespace decnet::decky
