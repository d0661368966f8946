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

class DatagramPeer;

// A decoy service over UDP: each datagram is answered at once or not at all. The server in
// front of it bounds how often any address gets an answer (net/datagram_limits.h); the service
// bounds how large an answer may be against the question (a forged source must not make the
// decky an amplifier).
class DatagramService {
 public:
  virtual ~DatagramService() = default;
  // What to send back to the peer; empty for nothing.
  virtual std::string answer(std::string_view datagram, DatagramPeer& peer) = 0;
};

// Reads a setting that validation guarantees is present.
inline const std::string& setting(const ServiceSettings& s, const std::string& key) {
  static const std::string kEmpty;
  const auto it = s.find(key);
  return it == s.end() ? kEmpty : it->second;
}

}  // namespace decnet::decky
