// One RELP session seen from the server, without the socket: frames in, lines and responses
// out. RELP ("TXNR SP COMMAND SP DATALEN [SP DATA] LF") acknowledges every syslog frame with an
// "rsp" carrying its transaction number, and responses must go out in the order the commands
// came in. A sender keeps every frame until its response arrives and sends the unanswered ones
// again after a reconnect, so answering only once a line is stored is what makes delivery
// lossless: a line is answered when the pipeline reports it committed (acknowledge()), and the
// answers queue here until every earlier command is answered too.
//
// librelp is not used for this side: its server answers "200 OK" as soon as its receive
// callback returns, so answering after the commit would mean blocking its single event loop for
// a whole transaction per frame.
//
// Hostile input is bounded: header fields have fixed maximum lengths (9 digits, 32 letters),
// data beyond the line limit is skipped (the line is kept truncated, as a dead letter), and
// anything that does not parse as a frame ends the conversation (the peer reconnects and sends
// its unanswered frames again, which is what RELP prescribes for framing errors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "ingest/stream_framer.h"

namespace decnet::ingest {

class RelpConversation {
 public:
  // A syslog frame: its line, the tag to acknowledge it with, and whether it is among the first
  // frames of the session (where a sender puts the frames it sends again after a reconnect).
  using LineFn = std::function<void(FramedLine line, std::uint64_t tag, bool may_be_resent)>;

  // Frames of a session that can be a sender's resends: librelp's default window is 128.
  static constexpr std::uint64_t kResendWindow = 1024;

  explicit RelpConversation(std::size_t max_data_bytes, std::string software = "decnet");

  // Consumes received bytes. Returns false on a protocol error (see error()); the connection
  // must then be closed without reading further.
  bool feed(std::string_view data, const LineFn& on_line);
  // The line fed with `tag` is stored (committed or kept as a dead letter).
  void acknowledge(std::uint64_t tag);
  // Appends to `out` the responses whose turn has come.
  void take_responses(std::string& out);

  const std::string& error() const { return error_; }
  // The peer sent "close" and its answer has been taken: the connection is done.
  bool finished() const { return finished_; }
  // Commands not yet answered (syslog frames waiting for their commit included).
  std::size_t unanswered() const { return pending_.size(); }
  std::uint64_t frames() const { return frames_; }
  // The tag of the oldest unanswered command (of the next one when all are answered).
  std::uint64_t oldest_unanswered() const { return first_tag_; }

 private:
  enum class State { kTxnr, kCommand, kLength, kData, kTrailer };
  struct Pending {
    std::uint64_t txnr;
    bool ready;
    std::string response;  // the rsp frame's data
  };

  bool fail(std::string why);
  bool on_frame(const LineFn& on_line);
  void answer(std::uint64_t txnr, std::string data, bool ready);

  std::size_t max_data_;
  std::string software_;
  State state_ = State::kTxnr;
  std::string field_;  // the header field being read
  std::uint64_t txnr_ = 0;
  std::string command_;
  std::uint64_t length_ = 0;
  std::uint64_t seen_ = 0;  // data bytes of the current frame received (kept or skipped)
  std::string data_;
  bool opened_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::uint64_t frames_ = 0;  // syslog frames received
  std::deque<Pending> pending_;
  std::uint64_t first_tag_ = 0;  // tag of pending_.front()
  std::string error_;
};

}  // namespace decnet::ingest
