#include "bus/factory.h"

#include "bus/inprocess_bus.h"
#include "bus/nats_bus.h"
#include "bus/unix_bus.h"
#include "core/config.h"

namespace decnet::bus {

std::filesystem::path broker_socket_path(const core::Config& config) {
  const auto& explicit_path = config.bus_socket();
  if (!explicit_path.empty()) return explicit_path;
  return config.data_dir() / "bus.sock";
}

std::unique_ptr<Bus> make_bus(const core::Config& config, const std::string& client_name) {
  if (!config.bus_enabled()) return std::make_unique<NullBus>();
  const auto& type = config.bus_type();
  if (type == "nats") return std::make_unique<NatsBus>(config.nats_url(), client_name);
  if (type == "unix") {
    return std::make_unique<UnixSocketBus>(UnixSocketBus::Options{
        .socket_path = broker_socket_path(config), .client_name = client_name});
  }
  return std::make_unique<InProcessBus>();
}

}  // namespace decnet::bus
