// The protocol side of one broker connection: it decodes the client's bytes with FrameDecoder
// (frame.h) and acts on each frame — HELLO names the client and may ask for acknowledgements,
// SUB and UNSUB go to the router, PUB is published through it, BYE ends the connection. It
// owns no socket: it is fed bytes and answers through its endpoint, and when the connection
// must end it says why instead of closing anything, so the socket side decides how to close
// and the protocol can be tested without one. A malformed or oversize frame, a verb only the
// broker may send or an invalid pattern ends this connection and no other.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "bus/broker_router.h"
#include "bus/frame.h"

namespace decnet::bus {

class BrokerSession {
 public:
  // Why a connection ends; a protocol error is counted and logged as a warning.
  struct End {
    std::string reason;
    bool protocol_error = false;
  };

  // `endpoint` is the connection this session speaks for; the router sends events to it and
  // the session sends its acknowledgements through it.
  BrokerSession(BrokerRouter& router, BrokerEndpoint& endpoint, pid_t pid, uid_t uid);
  BrokerSession(const BrokerSession&) = delete;
  BrokerSession& operator=(const BrokerSession&) = delete;

  // Handles every frame the bytes complete; nullopt while the connection may go on.
  std::optional<End> on_bytes(std::string_view bytes);
  // The client closed its side.
  End on_end() const;

  // How log lines name the client: "client '<name>' (pid <pid>, uid <uid>)".
  std::string peer() const;
  bool wants_acks() const { return ack_; }

 private:
  std::optional<End> handle(Frame& frame);
  void acknowledge(std::string_view verb, const std::string& args, std::string_view body = {});

  BrokerRouter& router_;
  BrokerEndpoint& endpoint_;
  FrameDecoder decoder_;
  std::string name_ = "<unknown>";
  pid_t pid_;
  uid_t uid_;
  bool ack_ = false;
};

}  // namespace decnet::bus
