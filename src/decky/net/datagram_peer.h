// The sender of one datagram as a UDP service sees it: its address and port, and the emit call
// that stamps each line with them (in the service's address field, as Session does for TCP).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decky/emit/emitter.h"

namespace decnet::decky {

class DatagramPeer {
 public:
  DatagramPeer(Emitter& emitter, std::string_view service, std::string_view ip_field,
               std::string ip, std::uint16_t port)
      : emitter_(emitter),
        service_(service),
        ip_field_(ip_field),
        ip_(std::move(ip)),
        port_(port) {}

  void emit(std::string_view event_type, Fields fields, Severity severity = Severity::kInfo,
            std::string msg = {}) {
    emitter_.emit(service_, event_type, stamp_peer(std::move(fields), ip_field_, ip_, port_),
                  severity, std::move(msg));
  }
  const std::string& ip() const { return ip_; }
  std::uint16_t port() const { return port_; }

 private:
  Emitter& emitter_;
  std::string_view service_;
  std::string_view ip_field_;
  std::string ip_;
  std::uint16_t port_;
};

}  // namespace decnet::decky
