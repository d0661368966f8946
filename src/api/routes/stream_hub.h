// The live event stream behind GET /api/v1/stream. One bus subscription feeds every client:
// each event gets a sequence number (the SSE id), is kept in a bounded ring so a reconnecting
// client can resume with Last-Event-ID, and is written to each client whose topic patterns
// match. A client that stops reading fills its own buffer and is dropped; it never slows the
// bus or the other clients. A stream lives no longer than the token it was opened under: the
// hub re-checks a user's streams whenever their account changes or they log out, and all
// streams periodically (expiry, changes made by another process).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/http/event_stream.h"
#include "api/http/principal.h"
#include "bus/bus.h"
#include "bus/matcher.h"
#include "core/thread_annotations.h"

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
  OpenResult open(const Principal& principal, std::vector<bus::Pattern> patterns,
                  const std::shared_ptr<EventStream>& stream,
                  std::optional<std::uint64_t> last_event_id);

  // Closes the streams, of one user or of everyone, whose principal `still_valid` refuses. The
  // check runs outside the hub's lock (it may read the database). Returns how many closed.
  using Validity = std::function<bool(const Principal&)>;
  std::size_t revalidate_user(const std::string& user_uuid, const Validity& still_valid);
  std::size_t revalidate_all(const Validity& still_valid);
  std::size_t clients() const;
  std::uint64_t dropped() const;

 private:
  struct Client {
    Principal principal;
    std::vector<bus::Pattern> patterns;
    std::shared_ptr<EventStream> stream;
  };
  struct Stored {
    std::uint64_t seq;
    std::string topic;
    std::string data;
  };
  void on_event(const bus::Event& event);
  std::size_t revalidate(const std::string* user_uuid, const Validity& still_valid);
  static bool wants(const Client& c, const std::string& topic);

  const Options options_;
  mutable core::Mutex mu_;
  std::deque<Stored> ring_ GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Client>> clients_ GUARDED_BY(mu_);
  std::uint64_t next_seq_ GUARDED_BY(mu_) = 1;
  std::uint64_t dropped_ GUARDED_BY(mu_) = 0;
  bus::Subscription subscription_;
};

}  // namespace decnet::api
