// The settings table. Adding a setting here is all it takes for it to be read from the
// environment, .env.local and the INI file, validated at start-up, shown by
// `decnet config show` and listed in the README.
#include "core/config.h"

namespace decnet::core {

const std::vector<SettingSpec>& settings_table() {
  using T = SettingType;
  static const std::vector<SettingSpec> table = {
      {"DECNET_DATA_DIR", T::kPath, "./var",
       "Directory for the database, generated keys and the bus socket.", {}, 0, 0,
       "decnet.data-dir"},
      {"DECNET_LOG_FORMAT", T::kEnum, "text", "Log output: human-readable text or JSON lines.",
       {"text", "json"}, 0, 0, "logging.format"},
      {"DECNET_LOG_LEVEL", T::kEnum, "info", "Minimum level written to the log.",
       {"trace", "debug", "info", "warn", "error"}, 0, 0, "logging.level"},
      {"DECNET_BUS_ENABLED", T::kBool, "true",
       "When false every publish is dropped and nothing is delivered (null bus).", {}, 0, 0,
       "bus.enabled"},
      {"DECNET_BUS_TYPE", T::kEnum, "inprocess",
       "Bus transport: in-process (one process), unix (local broker `decnet bus`) or nats.",
       {"inprocess", "unix", "nats"}, 0, 0, "bus.type"},
      {"DECNET_BUS_SOCKET", T::kPath, "",
       "UNIX broker socket path; empty means <DECNET_DATA_DIR>/bus.sock.", {}, 0, 0,
       "bus.socket"},
      {"DECNET_BUS_GROUP", T::kString, "decnet",
       "Group given to the broker socket (mode 0660); empty or a missing group leaves it.", {}, 0,
       0, "bus.group"},
      {"DECNET_BUS_QUEUE_SIZE", T::kInt, "4096",
       "Events queued per subscriber before the oldest are dropped (and counted).", {}, 1,
       1000000, "bus.queue-size"},
      {"DECNET_BUS_HEARTBEAT_SECONDS", T::kInt, "10",
       "Interval of the broker's system.bus.health beat.", {}, 1, 3600,
       "bus.heartbeat-seconds"},
      {"DECNET_NATS_URL", T::kString, "nats://127.0.0.1:4222",
       "NATS server URL used when DECNET_BUS_TYPE=nats.", {}, 0, 0, "bus.nats-url"},
      {"DECNET_DB_PATH", T::kPath, "",
       "SQLite database file; empty means <DECNET_DATA_DIR>/decnet.db.", {}, 0, 0,
       "database.path"},
      {"DECNET_DB_READ_CONNECTIONS", T::kInt, "4",
       "Read-only connections serving queries alongside the single writer.", {}, 1, 64,
       "database.read-connections"},
      {"DECNET_DB_AUTO_MIGRATE", T::kBool, "true",
       "Apply pending schema migrations at start; when false an outdated schema stops start-up.",
       {}, 0, 0, "database.auto-migrate"},
      {"DECNET_HEARTBEAT_SECONDS", T::kInt, "30",
       "Interval of every worker's system.<worker>.health beat.", {}, 1, 3600,
       "workers.heartbeat-seconds"},
  };
  return table;
}

}  // namespace decnet::core
