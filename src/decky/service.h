// A decoy service as the decky runs it: one coroutine per accepted connection, given a Session
// (session.h) that bounds what the peer can make it read, write and hold. A service answers
// like the real one would, emits a line for everything the peer does, and never runs,
// evaluates or stores-and-serves what the peer sends.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "decky/net/coroutines.h"
#include "decky/net/session.h"
#include "decky/persona.h"

namespace decnet::decky {

// A service's validated settings (service_registry.h lists each service's fields).
using ServiceSettings = std::map<std::string, std::string>;

class Service {
 public:
  virtual ~Service() = default;
  virtual boost::asio::awaitable<void> serve(std::shared_ptr<Session> session) = 0;
};

// Reads a setting that validation guarantees is present.
inline const std::string& setting(const ServiceSettings& s, const std::string& key) {
  static const std::string kEmpty;
  const auto it = s.find(key);
  return it == s.end() ? kEmpty : it->second;
}

}  // namespace decnet::decky
