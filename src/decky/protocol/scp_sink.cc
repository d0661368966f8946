#include "decky/protocol/scp_sink.h"

#include <charconv>

namespace decnet::decky {
namespace {

bool octal_mode(std::string_view s) {
  if (s.size() != 4) return false;
  for (const char c : s) {
    if (c < '0' || c > '7') return false;
  }
  return true;
}

// "0644 1234 name" -> mode, size, name; false when malformed or the name is a path.
bool parse_entry(std::string_view rest, std::string& mode, std::uint64_t& size, std::string& name) {
  const auto a = rest.find(' ');
  if (a == std::string_view::npos) return false;
  const auto b = rest.find(' ', a + 1);
  if (b == std::string_view::npos) return false;
  mode = std::string(rest.substr(0, a));
  const auto digits = rest.substr(a + 1, b - a - 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return false;
  name = std::string(rest.substr(b + 1));
  return octal_mode(mode) && !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos;
}

}  // namespace

std::string ScpSink::fail(std::string_view why) {
  state_ = State::kFailed;
  return "\x02scp: " + std::string(why) + "\n";
}

std::string ScpSink::control(std::string_view line) {
  if (line.empty()) return fail("protocol error: empty line");
  const char kind = line[0];
  const auto rest = line.substr(1);
  if (kind == '\x01' || kind == '\x02') return {};  // the source's own warning or error
  if (kind == 'T') return std::string(1, '\0');
  if (kind == 'E') {
    if (directories_.empty()) return fail("protocol error: unexpected <E>");
    directories_.pop_back();
    return std::string(1, '\0');
  }
  std::string mode, name;
  std::uint64_t size = 0;
  if ((kind != 'C' && kind != 'D') || !parse_entry(rest, mode, size, name)) {
    return fail("protocol error: bad control line");
  }
  if (kind == 'D') {
    if (static_cast<int>(directories_.size()) >= kMaxDepth) return fail("too many levels");
    directories_.push_back(name);
    return std::string(1, '\0');
  }
  if (++files_seen_ > kMaxFiles) return fail("too many files");
  current_ = File{};
  for (const auto& d : directories_) current_.path += d + "/";
  current_.path += name;
  current_.mode = mode;
  current_.size = size;
  remaining_ = size;
  state_ = size == 0 ? State::kDataEnd : State::kData;
  return std::string(1, '\0');
}

std::string ScpSink::feed(std::string_view bytes) {
  std::string reply;
  while (!bytes.empty() && state_ != State::kFailed) {
    switch (state_) {
      case State::kControl: {
        const auto nl = bytes.find('\n');
        const auto take = bytes.substr(0, nl);
        if (line_.size() + take.size() > kMaxLine) return reply + fail("control line too long");
        line_ += take;
        if (nl == std::string_view::npos) return reply;
        bytes.remove_prefix(nl + 1);
        reply += control(line_);
        line_.clear();
        break;
      }
      case State::kData: {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
        const auto room = max_file_bytes_ - std::min(max_file_bytes_, current_.data.size());
        current_.data.append(bytes.substr(0, std::min(n, room)));
        if (n > room) current_.truncated = true;
        remaining_ -= n;
        bytes.remove_prefix(n);
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:
        if (bytes[0] != '\0') return reply + fail("protocol error: no end of file");
        bytes.remove_prefix(1);
        done_.push_back(std::move(current_));
        current_ = File{};
        state_ = State::kControl;
        reply += '\0';
        break;
      case State::kFailed:
        break;
    }
  }
  return reply;
}

std::vector<ScpSink::File> ScpSink::take_files() {
  std::vector<File> out;
  out.swap(done_);
  return out;
}

std::optional<ScpSink::File> ScpSink::unfinished() const {
  if (state_ != State::kData && state_ != State::kDataEnd) return std::nullopt;
  auto f = current_;
  f.truncated = true;
  return f;
}

}  // namespace decnet::decky
