// The live event stream behind GET /api/v1/stream. One bus subscription feeds every client:
// each event gets a sequence number (the SSE id), is kept in a bounded ring so a reconnecting
// client can resume with Last-Event-ID, and is written to each client whose topic patterns
// match. A client that stops reading fills its own buffer and is dropped; it never slows the
// bus or the other clients.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/event_stream.h"
#include "bus/bus.h"
#include "bus/matcher.h"

namespace decnet::api {

class StreamHub {
 public:
  struct Options {
    std::size_t ring_size = 2048;
    std::size_t max_streams_per_user = 5;
  };

  StreamHub(bus::Bus& bus, Options options);
  ~StreamHub();

  enum class OpenResult { kOpened, kTooMany };
  // Registers the stream for `patterns` (already validated), replaying ring events with an id
  // above `last_event_id` first.
  OpenResult open(const std::string& user_uuid, std::vector<bus::Pattern> patterns,
                  std::shared_ptr<EventStream> stream, std::optional<std::uint64_t> last_event_id);
  std::size_t clients() const;
  std::uint64_t dropped() const;

 private:
  struct Client {
    std::string user_uuid;
    std::vector<bus::Pattern> patterns;
    std::shared_ptr<EventStream> stream;
  };
  struct Stored {
    std::uint64_t seq;
    std::string topic;
    std::string data;
  };
  void on_event(const bus::Event& event);
  static bool wants(const Client& c, const std::string& topic);

  const Options options_;
  mutable std::mutex mu_;
  std::deque<Stored> ring_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  bus::Subscription subscription_;
};

}  // namespace decnet::api
