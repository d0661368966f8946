// Server-Sent Events. A handler answers with Response::stream(stream) and hands the same
// EventStream to a producer (a bus subscription, a poller) that calls send() from any thread.
// The producer never blocks: frames go into a per-client buffer that the server drains to the
// socket, and a client that stops reading lets that buffer fill up, at which point the stream
// is dropped rather than the producer slowed down or memory grown without bound. on_close
// callbacks run once when the stream ends for any reason (client gone, overflow, producer close,
// server stop), on a server thread, never inside send(), so a producer may unsubscribe from
// within the callback without deadlocking against its own delivery lock.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace decnet::api {

class EventStream {
 public:
  struct Options {
    std::size_t max_buffer_bytes = std::size_t{256} * 1024;  // queued + being written
    std::chrono::milliseconds keepalive = std::chrono::seconds(15);
  };

  EventStream();
  explicit EventStream(Options options);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Producer side, any thread. False when the stream is closed, or when this frame did not fit
  // (the stream is then dropped).
  bool send(std::string_view id, std::string_view event, std::string_view data);
  bool comment(std::string_view text);
  // Ends the stream after what is buffered has been written.
  void close();
  bool is_open() const;
  // Runs `callback` once when the stream has ended; at once if it already has.
  void on_close(std::function<void()> callback);
  const Options& options() const { return options_; }

  // Server side.
  // `wake` is called (from the producer's thread) whenever there is something to do.
  void attach(const std::function<void()>& wake);
  // Moves the pending bytes to `out` (they count against the buffer until written()); false
  // when nothing is pending.
  bool take(std::string* out);
  void written(std::size_t bytes);
  // True when the server should stop: overflow, or producer closed and everything taken.
  bool should_end() const;
  bool overflowed() const;
  // The stream is over; runs the on_close callbacks (once).
  void finish();

  // One SSE frame: `id:`/`event:` lines (CR/LF removed) and one `data:` line per line of data.
  static std::string format_event(std::string_view id, std::string_view event,
                                  std::string_view data);
  static std::string format_comment(std::string_view text);

 private:
  bool enqueue(std::string_view frame);

  const Options options_;
  mutable std::mutex mutex_;
  std::string pending_;
  std::size_t in_flight_ = 0;
  bool producer_closed_ = false;
  bool overflow_ = false;
  bool finished_ = false;
  std::function<void()> wake_;
  std::vector<std::function<void()>> on_close_;
};

}  // namespace decnet::api
