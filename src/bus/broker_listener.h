// The broker's listening socket. Authorization is the socket file's permissions, so they are
// set (0660, and the group when one is configured) before listen(), and no client can ever
// connect through a wider mode. A socket file left by a dead broker is replaced; one that a
// live broker still answers on, or a path that is not a socket at all, is refused. Accepted
// sockets go to BrokerConnections; when the descriptor table or memory runs out, accepting
// pauses for 100 ms instead of spinning. On close the file is removed only if it is still the
// one this listener created: a newer broker may have replaced it in the meantime.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <filesystem>
#include <string>

#include "bus/broker_connection.h"

namespace decnet::bus {

class BrokerListener {
 public:
  struct Options {
    std::filesystem::path socket_path;
    std::string group;  // empty: leave the socket's group alone
    std::size_t max_connections = 4096;
  };

  BrokerListener(boost::asio::io_context& io, BrokerConnections& connections, Options options);
  BrokerListener(const BrokerListener&) = delete;
  BrokerListener& operator=(const BrokerListener&) = delete;

  // Creates, binds and listens; throws BusError (see UnixBroker::start).
  void listen();
  bool listening() const { return acceptor_.is_open(); }
  // Accepts clients until close(); on the I/O thread.
  void accept();
  // Stops accepting and removes the socket file if it is still ours. Idempotent; false when
  // there was nothing to close.
  bool close();

 private:
  void on_accept(const boost::system::error_code& ec,
                 boost::asio::local::stream_protocol::socket socket);

  const Options options_;
  BrokerConnections& connections_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer pause_;
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
};

}  // namespace decnet::bus
