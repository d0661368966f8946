// The deployed fleet as the master knows it: one row per decky per host (the master's own
// deckies live under host "local"), the per-service configuration of each decky, and the tarpit
// rules slowing chosen ports of a decky down. The deployer writes these; the API and the workers
// read them instead of parsing state files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/write_scope.h"

namespace decnet::store {

inline constexpr std::string_view kLocalHost = "local";

struct FleetDecky {
  std::string host_uuid = std::string(kLocalHost);  // empty: "local"
  std::string name;
  std::vector<std::string> services;
  nlohmann::json decky_config = nlohmann::json::object();  // the full DeckyConfig document
  std::optional<std::string> decky_ip;
  // pending, running, failed, torn_down, degraded, tearing_down, teardown_failed; else kConstraint
  std::string state = "pending";
  std::optional<std::string> last_error;
  std::optional<std::string> compose_hash;
  std::optional<std::int64_t> last_seen;
  std::int64_t updated_at = 0;  // set by the store
};

struct DeckyService {
  std::string host_uuid = std::string(kLocalHost);  // empty: "local"
  std::string decky_name;
  std::string service_name;
  nlohmann::json config = nlohmann::json::object();
  std::int64_t updated_at = 0;  // set by the store
};

class DeckyRepository {
 public:
  virtual ~DeckyRepository() = default;

  // Inserts or replaces the row for (host_uuid, name); returns true if it was new. A
  // decky_config that is not a JSON object is kInvalid.
  virtual bool upsert_fleet_decky(WriteScope& scope, const FleetDecky& decky) = 0;
  // Also removes the decky's service rows.
  virtual bool delete_fleet_decky(WriteScope& scope, const std::string& host_uuid,
                                  const std::string& name) = 0;
  virtual std::optional<FleetDecky> get_fleet_decky(const std::string& host_uuid,
                                                    const std::string& name) = 0;
  // By name; one host's deckies when host_uuid is given.
  virtual std::vector<FleetDecky> list_fleet_deckies(
      const std::optional<std::string>& host_uuid) = 0;
  virtual std::vector<FleetDecky> list_running_fleet_deckies() = 0;
  // Sets state and last_seen = updated_at = now; last_error is replaced only when given.
  virtual bool update_fleet_decky_state(WriteScope& scope, const std::string& host_uuid,
                                        const std::string& name, const std::string& state,
                                        const std::optional<std::string>& last_error) = 0;

  // Inserts or replaces one service's config; a decky that does not exist is kConstraint and a
  // config that is not a JSON object is kInvalid.
  virtual void upsert_decky_service(WriteScope& scope, const DeckyService& service) = 0;
  virtual bool delete_decky_service(WriteScope& scope, const std::string& host_uuid,
                                    const std::string& decky_name,
                                    const std::string& service_name) = 0;
  virtual std::optional<DeckyService> get_decky_service(const std::string& host_uuid,
                                                        const std::string& decky_name,
                                                        const std::string& service_name) = 0;
  // By service name.
  virtual std::vector<DeckyService> list_decky_services(const std::string& host_uuid,
                                                        const std::string& decky_name) = 0;
};

struct TarpitRuleInput {
  std::string decky_name;                 // fleet name, or "t:<topology_id>:<decky_name>"
  std::vector<int> ports;                 // 1..65535, at least one; duplicates dropped
  std::int64_t delay_ms = 0;              // >= 0
  std::optional<std::string> created_by;  // operator uuid
};

struct TarpitRule : TarpitRuleInput {
  std::string id;
  std::int64_t created_at = 0;
};

class TarpitRepository {
 public:
  virtual ~TarpitRepository() = default;

  // One rule per decky: a second call replaces ports, delay, created_by and created_at and keeps
  // the id. Ports out of range or none are kInvalid; a negative delay is kConstraint.
  virtual TarpitRule set_tarpit_rule(WriteScope& scope, const TarpitRuleInput& rule) = 0;
  virtual std::optional<TarpitRule> get_tarpit_rule(const std::string& decky_name) = 0;
  virtual bool delete_tarpit_rule(WriteScope& scope, const std::string& decky_name) = 0;
  // By decky name.
  virtual std::vector<TarpitRule> list_tarpit_rules() = 0;
};

}  // namespace decnet::store
