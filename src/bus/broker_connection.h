// The socket side of the broker's client connections. Each accepted socket becomes a
// connection (defined in broker_connection.cc) that reads bytes for its BrokerSession and
// writes what the session and the router queue for it, on the broker's io_context. A slow or
// hostile client cannot stall the others: its outbound queue is bounded and drops its oldest
// frame when full (counted, logged at most once a second), and anything that ends it ends it
// alone. BrokerConnections is the set of open connections and the figures they share.
//
// Connections are shared_ptrs kept alive by their pending operations; the set holds weak
// references only, to count them and to close them all when the broker stops. Everything here
// runs on the I/O thread except the atomic figures, which stats() reads from elsewhere.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bus/broker_router.h"

namespace decnet::bus {

class BrokerConnection;

class BrokerConnections {
 public:
  BrokerConnections(boost::asio::io_context& io, BrokerRouter& router, std::size_t queue_frames);
  BrokerConnections(const BrokerConnections&) = delete;
  BrokerConnections& operator=(const BrokerConnections&) = delete;

  // Serves an accepted socket, naming its client by the socket's peer credentials.
  void open(boost::asio::local::stream_protocol::socket socket);
  // Closes every connection without a word: the clients see EOF.
  void close_all();

  std::size_t size() const { return count_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t protocol_errors() const { return protocol_errors_.load(std::memory_order_relaxed); }

 private:
  friend class BrokerConnection;

  void forget(std::uint64_t id);

  boost::asio::io_context& io_;
  BrokerRouter& router_;
  const std::size_t queue_frames_;
  // One buffer for every connection's reads: the loop is single-threaded and a read is handed
  // to the session before the next one starts, so an idle connection holds no read buffer.
  std::vector<char> read_buffer_;
  std::unordered_map<std::uint64_t, std::weak_ptr<BrokerConnection>> open_;
  std::uint64_t next_id_ = 0;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::uint64_t> dropped_{0};          // frames discarded by full queues
  std::atomic<std::uint64_t> protocol_errors_{0};  // connections ended by a protocol error
};

}  // namespace decnet::bus
