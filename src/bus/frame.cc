#include "bus/frame.h"

#include <algorithm>
#include <array>

#include "bus/bus_error.h"

namespace decnet::bus {
namespace {

constexpr std::array<std::pair<Verb, std::string_view>, 7> kVerbs = {{
    {Verb::kHello, "HELLO"},
    {Verb::kPub, "PUB"},
    {Verb::kSub, "SUB"},
    {Verb::kUnsub, "UNSUB"},
    {Verb::kEvt, "EVT"},
    {Verb::kBye, "BYE"},
    {Verb::kOk, "OK"},
}};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view rtrim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string describe_byte(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("0x") + kHex[c >> 4] + kHex[c & 0xf];
}

}  // namespace

std::string_view verb_name(Verb verb) {
  for (const auto& [v, name] : kVerbs) {
    if (v == verb) return name;
  }
  return "?";
}

std::optional<Verb> parse_verb(std::string_view name) {
  for (const auto& [v, text] : kVerbs) {
    if (text == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> frame_error(std::string_view verb, std::string_view args,
                                       std::size_t body_size) {
  if (!parse_verb(verb)) return "unknown verb '" + std::string(verb.substr(0, 32)) + "'";
  for (const char c : args) {
    if (c == '\n' || c == '\r') return "frame args contain CR or LF";
    if (static_cast<unsigned char>(c) > 0x7f) return "frame args are not ASCII";
  }
  args = rtrim(args);
  const std::size_t header = verb.size() + (args.empty() ? 0 : 1 + args.size()) + 1;
  if (header > kMaxHeaderBytes) {
    return "frame header of " + std::to_string(header) + " bytes exceeds " +
           std::to_string(kMaxHeaderBytes);
  }
  if (body_size > kMaxBodyBytes) {
    return "frame body of " + std::to_string(body_size) + " bytes exceeds " +
           std::to_string(kMaxBodyBytes);
  }
  return std::nullopt;
}

std::string encode_frame(std::string_view verb, std::string_view args, std::string_view body) {
  if (auto error = frame_error(verb, args, body.size())) throw BusError(*error);
  args = rtrim(args);
  std::string out;
  out.reserve(verb.size() + args.size() + 6 + body.size());
  out.append(verb);
  if (!args.empty()) {
    out.push_back(' ');
    out.append(args);
  }
  out.push_back('\n');
  const auto n = static_cast<std::uint32_t>(body.size());
  out.push_back(static_cast<char>((n >> 24) & 0xff));
  out.push_back(static_cast<char>((n >> 16) & 0xff));
  out.push_back(static_cast<char>((n >> 8) & 0xff));
  out.push_back(static_cast<char>(n & 0xff));
  out.append(body);
  return out;
}

std::string encode_frame(Verb verb, std::string_view args, std::string_view body) {
  return encode_frame(verb_name(verb), args, body);
}

std::optional<nlohmann::json> decode_body(std::string_view body, std::string* error) {
  if (body.empty()) return nlohmann::json::object();
  auto parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded()) {
    if (error) *error = "frame body is not valid JSON";
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    if (error) *error = "frame body is not a JSON object";
    return std::nullopt;
  }
  return parsed;
}

std::size_t FrameDecoder::fail(std::string reason) {
  state_ = State::kFailed;
  error_ = std::move(reason);
  header_.clear();
  header_.shrink_to_fit();
  body_.clear();
  body_.shrink_to_fit();
  return 0;
}

bool FrameDecoder::parse_header() {
  std::string_view line(header_);
  line.remove_suffix(1);  // LF
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  for (const char c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x7f) {
      fail("non-ASCII byte " + describe_byte(u) + " in frame header");
      return false;
    }
    if (c == '\r') {
      fail("CR inside frame header");
      return false;
    }
  }
  if (line.empty()) {
    fail("empty frame header line");
    return false;
  }
  const auto space = line.find(' ');
  const auto verb_text = line.substr(0, space);
  const auto verb = parse_verb(verb_text);
  if (!verb) {
    fail("unknown verb '" + std::string(verb_text.substr(0, 32)) + "'");
    return false;
  }
  frame_.verb = *verb;
  frame_.args =
      space == std::string_view::npos ? std::string() : std::string(trim(line.substr(space + 1)));
  frame_.body.clear();
  header_.clear();
  return true;
}

std::size_t FrameDecoder::feed(std::string_view data) {
  std::size_t used = 0;
  while (used < data.size()) {
    switch (state_) {
      case State::kComplete:
      case State::kFailed:
        return used;
      case State::kHeader: {
        const std::size_t room = kMaxHeaderBytes - header_.size();
        const auto rest = data.substr(used, room);
        const auto lf = rest.find('\n');
        if (lf == std::string_view::npos) {
          header_.append(rest);
          used += rest.size();
          if (header_.size() >= kMaxHeaderBytes) {
            fail("frame header exceeds " + std::to_string(kMaxHeaderBytes) + " bytes");
            return used;
          }
          break;
        }
        header_.append(rest.substr(0, lf + 1));
        used += lf + 1;
        if (!parse_header()) return used;
        state_ = State::kLength;
        length_have_ = 0;
        break;
      }
      case State::kLength: {
        while (length_have_ < 4 && used < data.size()) {
          length_bytes_[length_have_++] = static_cast<unsigned char>(data[used++]);
        }
        if (length_have_ < 4) break;
        const std::uint64_t n = (std::uint64_t{length_bytes_[0]} << 24) |
                                (std::uint64_t{length_bytes_[1]} << 16) |
                                (std::uint64_t{length_bytes_[2]} << 8) | length_bytes_[3];
        if (n > kMaxBodyBytes) {
          fail("frame body length " + std::to_string(n) + " exceeds " +
               std::to_string(kMaxBodyBytes));
          return used;
        }
        body_length_ = static_cast<std::size_t>(n);
        if (body_length_ == 0) {
          state_ = State::kComplete;
          return used;
        }
        body_.clear();
        body_.reserve(body_length_);
        state_ = State::kBody;
        break;
      }
      case State::kBody: {
        const std::size_t want = std::min(body_length_ - body_.size(), data.size() - used);
        body_.append(data.substr(used, want));
        used += want;
        if (body_.size() == body_length_) {
          state_ = State::kComplete;
          return used;
        }
        break;
      }
    }
  }
  return used;
}

Frame FrameDecoder::take() {
  Frame out;
  if (state_ != State::kComplete) return out;
  out.verb = frame_.verb;
  out.args = std::move(frame_.args);
  out.body = std::move(body_);
  body_ = std::string();
  frame_ = Frame{};
  body_length_ = 0;
  length_have_ = 0;
  state_ = State::kHeader;
  return out;
}

bool FrameDecoder::mid_frame() const {
  switch (state_) {
    case State::kHeader:
      return !header_.empty();
    case State::kLength:
    case State::kBody:
      return true;
    default:
      return false;
  }
}

std::optional<std::string> FrameDecoder::finish() const {
  switch (state_) {
    case State::kFailed:
      return error_;
    case State::kHeader:
      if (header_.empty()) return std::nullopt;
      return "connection closed in the middle of a frame header";
    case State::kLength:
      return "connection closed before the frame body length";
    case State::kBody:
      return "truncated frame body: " + std::to_string(body_.size()) + " of " +
             std::to_string(body_length_) + " bytes";
    case State::kComplete:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace decnet::bus
