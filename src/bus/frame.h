// The UNIX-socket bus wire format, shared by the broker (`decnet bus`) and its clients. It is
// the reference system's format, so reference clients and brokers interoperate with ours:
//
//   <VERB>[ SP <args>] LF        ASCII header line, at most 4096 bytes including the LF
//   <uint32 big-endian length>   body length, at most 1,048,576
//   <body>                       a compact JSON object, or nothing
//
// Verbs: HELLO <name>, PUB <topic>, SUB <pattern>, UNSUB <pattern>, EVT <topic> (broker to
// client), BYE, and OK (broker to client, see below). A CR directly before the LF is tolerated
// and stripped; a CR anywhere else, a byte above 0x7f, an empty line, an unknown verb or an
// oversize header or body is a protocol error, and a protocol error ends the connection.
//
// Subscription acknowledgement (our extension). The reference has no replies at all, so a
// client cannot know when its SUB is in force and events published right after subscribing
// are lost. A client that wants acknowledgements says so in its HELLO body:
//
//   HELLO <name>   {"features":["ack"]}
//
// Reference brokers ignore HELLO bodies. Our broker then answers, to that connection only and
// in order: `OK HELLO` with body {"features":["ack"]} for the HELLO, `OK SUB <pattern>` once
// the pattern is in force (events published after it is sent are delivered), and
// `OK UNSUB <pattern>`. Clients that do not ask (every reference client) never receive OK, so
// they never see a verb they do not know.
//
// FrameDecoder is incremental and bounded: it holds at most one header (4096 bytes) and one
// body (its declared length, at most 1 MiB), never throws, and reports malformed input as a
// reason string. Decoding the JSON body is separate (decode_body), so the broker parses only
// what it needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::bus {

inline constexpr std::size_t kMaxHeaderBytes = 4096;    // including the LF
inline constexpr std::size_t kMaxBodyBytes = 1u << 20;  // 1 MiB, inclusive

enum class Verb { kHello, kPub, kSub, kUnsub, kEvt, kBye, kOk };

// The feature name a client lists in its HELLO body to get OK frames.
inline constexpr std::string_view kAckFeature = "ack";

std::string_view verb_name(Verb verb);
std::optional<Verb> parse_verb(std::string_view name);

struct Frame {
  Verb verb = Verb::kBye;
  std::string args;  // trimmed; may contain inner spaces
  std::string body;  // raw JSON text or empty
};

// Why a frame cannot be encoded, or nullopt. Checks CR/LF and non-ASCII in args, header and
// body sizes.
std::optional<std::string> frame_error(std::string_view verb, std::string_view args,
                                       std::size_t body_size);

// The wire bytes of a frame. Throws BusError for an unknown verb, CR/LF or non-ASCII in args,
// an oversize header or an oversize body. Args are right-trimmed, as the reference does.
std::string encode_frame(std::string_view verb, std::string_view args = {},
                         std::string_view body = {});
std::string encode_frame(Verb verb, std::string_view args = {}, std::string_view body = {});
inline std::string encode_frame(const Frame& frame) {
  return encode_frame(frame.verb, frame.args, frame.body);
}

// Parses a frame body: empty means {}; anything but a JSON object is an error (nullopt, with
// the reason in `error` when given).
std::optional<nlohmann::json> decode_body(std::string_view body, std::string* error = nullptr);

class FrameDecoder {
 public:
  // Consumes bytes until one frame is complete, an error is found or `data` is used up, and
  // returns how many bytes were consumed. While a complete frame waits to be taken, or after
  // an error, nothing more is consumed (returns 0), so memory stays bounded whatever the peer
  // sends. Typical use: loop { n = feed(data); data.remove_prefix(n); handle take(); }.
  std::size_t feed(std::string_view data);

  bool has_frame() const { return state_ == State::kComplete; }
  // The complete frame; only valid when has_frame(). Resets for the next frame.
  Frame take();

  bool failed() const { return state_ == State::kFailed; }
  const std::string& error() const { return error_; }

  // True when some bytes of an unfinished frame are buffered; EOF now is a truncation.
  bool mid_frame() const;
  // At end of stream: nullopt for a clean end, else why the stream was cut short.
  std::optional<std::string> finish() const;

  // Bytes currently held (header buffer + body buffer); never above the limits.
  std::size_t buffered() const { return header_.size() + body_.size(); }

 private:
  enum class State { kHeader, kLength, kBody, kComplete, kFailed };

  std::size_t fail(std::string reason);
  bool parse_header();

  State state_ = State::kHeader;
  std::string header_;
  unsigned char length_bytes_[4] = {};
  std::size_t length_have_ = 0;
  std::size_t body_length_ = 0;
  std::string body_;
  Frame frame_;
  std::string error_;
};

}  // namespace decnet::bus
