// Chooses the bus transport from configuration (DECNET_BUS_ENABLED, DECNET_BUS_TYPE and the
// transport's address settings), so components never name a transport.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "bus/bus.h"

namespace decnet::core {
class Config;
}

namespace decnet::bus {

std::unique_ptr<Bus> make_bus(const core::Config& config, const std::string& client_name);

// DECNET_BUS_SOCKET, or <DECNET_DATA_DIR>/bus.sock when that is empty.
std::filesystem::path broker_socket_path(const core::Config& config);

}  // namespace decnet::bus
