// What the fleet routes share: the check of a decky name in a path and the mapping of the
// fleet's errors to the reference's status codes.
#pragma once

#include <string>

#include "api/http/api_error.h"
#include "decky/fleet/namespace_network.h"
#include "decky/service_registry.h"
#include "fleet/fleet.h"

namespace decnet::api {

// The reference's per-decky path rule; 422 naming decky_name otherwise.
inline void check_decky_name(const std::string& name) {
  const bool ok =
      !name.empty() && name.size() <= 64 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
  if (!ok) throw unprocessable("decky_name", "must match ^[a-z0-9-]{1,64}$");
}

// Runs a fleet operation: no such decky 404, a service the fleet refuses 422, a bad setting
// 400, a conflict (or a decky that did not take the change) 409.
template <typename Fn>
auto fleet_call(Fn fn) {
  try {
    return fn();
  } catch (const fleet::FleetNotFound& e) {
    throw not_found(e.what());
  } catch (const fleet::ServiceRefused& e) {
    throw unprocessable("name", e.what());
  } catch (const decky::ServiceConfigError& e) {
    throw bad_request(e.what());
  } catch (const fleet::FleetConflict& e) {
    throw conflict(e.what());
  } catch (const decky::FleetError& e) {
    throw conflict(e.what());
  }
}

}  // namespace decnet::api
