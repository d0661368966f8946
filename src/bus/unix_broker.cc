// run() runs the broker's io_context on the calling thread, so the listener, the connections
// and the router are only ever touched there. stop() posts the shutdown to that thread: it
// closes the listener, every connection and the heartbeat timer, and run() returns once the
// aborted operations have unwound. When run() is not running (never started, or already
// returned) stop() closes the parts itself, which is safe because nothing else touches them.
#include "bus/unix_broker.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "bus/broker_connection.h"
#include "bus/broker_listener.h"
#include "bus/broker_router.h"
#include "bus/bus_error.h"

namespace decnet::bus {

struct UnixBroker::Parts {
  explicit Parts(const Options& options)
      : router(io, options.heartbeat_interval),
        connections(io, router, options.queue_frames),
        listener(io, connections,
                 BrokerListener::Options{.socket_path = options.socket_path,
                                         .group = options.group,
                                         .max_connections = options.max_connections}) {}

  boost::asio::io_context io;  // first: destroyed after everything that uses it
  BrokerRouter router;
  BrokerConnections connections;
  BrokerListener listener;
};

UnixBroker::UnixBroker(Options options)
    : options_(std::move(options)), parts_(std::make_unique<Parts>(options_)) {}

UnixBroker::~UnixBroker() {
  stop();
}

void UnixBroker::start() {
  parts_->listener.listen();
  parts_->router.mark_started();
  {
    core::MutexLock lock(mu_);
    started_ = true;
  }
  spdlog::info("bus: broker listening on {} (mode 0660, heartbeat {} ms)",
               options_.socket_path.native(), parts_->router.heartbeat_interval().count());
}

void UnixBroker::run() {
  {
    core::MutexLock lock(mu_);
    if (stop_requested_ || cleaned_) return;
    if (!started_) throw BusError("bus broker run() before start()");
    running_ = true;
  }
  struct Running {
    UnixBroker* self;
    ~Running() {
      {
        core::MutexLock lock(self->mu_);
        self->running_ = false;
      }
      self->stopped_.notify_all();
    }
  } running{this};

  parts_->router.start_heartbeats();
  parts_->listener.accept();
  parts_->io.run();
}

void UnixBroker::stop() {
  bool started = false;
  {
    core::MutexLock lock(mu_);
    stop_requested_ = true;
    if (running_) boost::asio::post(parts_->io, [this] { shut_down_parts(); });
    stopped_.wait(lock.native(), [&] {
      mu_.assert_held();
      return !running_;
    });
    if (cleaned_) return;
    cleaned_ = true;
    started = started_;
  }
  shut_down_parts();
  if (started) spdlog::info("bus: broker stopped");
}

void UnixBroker::shut_down_parts() {
  parts_->listener.close();
  parts_->router.stop_heartbeats();
  parts_->connections.close_all();
}

UnixBroker::Stats UnixBroker::stats() const {
  Stats s;
  s.connections = parts_->connections.size();
  s.published = parts_->router.published();
  s.delivered = parts_->router.delivered();
  s.dropped = parts_->connections.dropped();
  s.protocol_errors = parts_->connections.protocol_errors();
  return s;
}

}  // namespace decnet::bus
