#include "bus/factory.h"

#include "bus/inprocess_bus.h"
#include "bus/nats_bus.h"
#include "bus/unix_bus.h"
#include "core/config.h"

namespace decnet::bus {

std::filesystem::path broker_socket_path(const core::Config& config) {
  const auto& explicit_path = config.str("DECNET_BUS_SOCKET");
  if (!explicit_path.empty()) return explicit_path;
  return config.path("DECNET_DATA_DIR") / "bus.sock";
}

std::unique_ptr<Bus> make_bus(const core::Config& config, const std::string& client_name) {
  if (!config.flag("DECNET_BUS_ENABLED")) return std::make_unique<NullBus>();
  const auto& type = config.str("DECNET_BUS_TYPE");
  if (type == "nats") return std::make_unique<NatsBus>(config.str("DECNET_NATS_URL"), client_name);
  if (type == "unix") {
    return std::make_unique<UnixSocketBus>(UnixSocketBus::Options{
        .socket_path = broker_socket_path(config), .client_name = client_name});
  }
  return std::make_unique<InProcessBus>();
}

}  // namespace decnet::bus
