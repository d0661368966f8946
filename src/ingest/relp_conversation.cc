#include "ingest/relp_conversation.h"

#include <algorithm>

#include "core/text.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxDigits = 9;         // TXNR and DATALEN: 1*9DIGIT
constexpr std::size_t kMaxCommand = 32;       // COMMAND: 1*32ALPHA
constexpr std::size_t kMaxOfferBytes = 4096;  // an "open" frame's offers

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether the offers of an "open" name a protocol version and the syslog command.
struct Offers {
  bool version = false;
  bool syslog = false;
};

Offers parse_offers(std::string_view data) {
  Offers out;
  while (!data.empty()) {
    auto end = data.find('\n');
    const auto line = data.substr(0, end);
    data = end == std::string_view::npos ? std::string_view{} : data.substr(end + 1);
    const auto eq = line.find('=');
    const auto name = line.substr(0, eq);
    auto values = eq == std::string_view::npos ? std::string_view{} : line.substr(eq + 1);
    if (name == "relp_version") out.version = !values.empty();
    if (name != "commands") continue;
    while (!values.empty()) {
      auto comma = values.find(',');
      if (values.substr(0, comma) == "syslog") out.syslog = true;
      values = comma == std::string_view::npos ? std::string_view{} : values.substr(comma + 1);
    }
  }
  return out;
}

}  // namespace

RelpConversation::RelpConversation(std::size_t max_data_bytes, std::string software)
    : max_data_(max_data_bytes), software_(std::move(software)) {}

bool RelpConversation::fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool RelpConversation::feed(std::string_view data, const LineFn& on_line) {
  if (!error_.empty()) return false;
  std::size_t i = 0;
  while (i < data.size()) {
    // After "close" the peer may send nothing more; whatever follows is ignored.
    if (closing_) return true;
    const char c = data[i];
    switch (state_) {
      case State::kTxnr:
      case State::kLength: {
        if (core::is_ascii_digit(c)) {
          if (field_.size() == kMaxDigits) return fail("number longer than 9 digits");
          field_ += c;
          ++i;
          break;
        }
        if (field_.empty()) return fail("frame header does not start with a number");
        const std::uint64_t value = std::stoull(field_);
        field_.clear();
        if (state_ == State::kTxnr) {
          if (c != ' ') return fail("no space after the transaction number");
          txnr_ = value;
          state_ = State::kCommand;
          ++i;
          break;
        }
        length_ = value;
        seen_ = 0;
        data_.clear();
        ++i;
        if (c == '\n' && length_ == 0) {
          if (!on_frame(on_line)) return false;
          state_ = State::kTxnr;
        } else if (c == ' ') {
          state_ = length_ == 0 ? State::kTrailer : State::kData;
        } else {
          return fail("no space or line feed after the data length");
        }
        break;
      }
      case State::kCommand:
        if (is_alpha(c)) {
          if (field_.size() == kMaxCommand) return fail("command longer than 32 letters");
          field_ += c;
          ++i;
          break;
        }
        if (c != ' ' || field_.empty()) return fail("malformed command");
        command_ = std::move(field_);
        field_.clear();
        state_ = State::kLength;
        ++i;
        break;
      case State::kData: {
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(length_ - seen_, data.size() - i));
        const std::size_t keep = command_ == "open" ? kMaxOfferBytes : max_data_;
        const std::size_t room = seen_ < keep ? keep - seen_ : 0;
        data_.append(data.substr(i, std::min(take, room)));
        seen_ += take;
        i += take;
        if (seen_ == length_) state_ = State::kTrailer;
        break;
      }
      case State::kTrailer:
        if (c != '\n') return fail("frame does not end with a line feed");
        ++i;
        if (!on_frame(on_line)) return false;
        state_ = State::kTxnr;
        break;
    }
  }
  return true;
}

void RelpConversation::answer(std::uint64_t txnr, std::string data, bool ready) {
  pending_.push_back({txnr, ready, std::move(data)});
}

bool RelpConversation::on_frame(const LineFn& on_line) {
  const bool truncated = length_ > max_data_;
  // Transaction 0 carries hints, which are never answered; RELP defines none for clients, and
  // a line sent as one would be lost without a word.
  if (txnr_ == 0) return fail("transaction number 0 from a client");
  if (command_ == "open") {
    if (opened_) {
      answer(txnr_, "200 connection already open - ignored", true);
      return true;
    }
    if (length_ > kMaxOfferBytes) return fail("offers of the open command too long");
    const auto offers = parse_offers(data_);
    if (!offers.version) return fail("open without a relp_version offer");
    if (!offers.syslog) {
      answer(txnr_, "500 required command not supported by client", true);
      closing_ = true;
      return true;
    }
    opened_ = true;
    answer(txnr_, "200 OK\nrelp_version=0\nrelp_software=" + software_ + "\ncommands=syslog", true);
    return true;
  }
  if (!opened_) return fail("command '" + command_ + "' before open");
  if (command_ == "syslog") {
    ++frames_;
    std::string line = std::move(data_);
    data_.clear();
    if (!truncated && !line.empty() && line.back() == '\n') line.pop_back();
    if (!truncated && !line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      answer(txnr_, "200 OK", true);
      return true;
    }
    const std::uint64_t tag = first_tag_ + pending_.size();
    answer(txnr_, "200 OK", false);
    on_line(FramedLine{std::move(line), truncated, {}}, tag, frames_ <= kResendWindow);
    return true;
  }
  if (command_ == "close") {
    answer(txnr_, "200 OK", true);
    closing_ = true;
    return true;
  }
  answer(txnr_, "500 command not supported", true);
  return true;
}

void RelpConversation::acknowledge(std::uint64_t tag) {
  if (tag < first_tag_ || tag - first_tag_ >= pending_.size()) return;
  pending_[tag - first_tag_].ready = true;
}

void RelpConversation::take_responses(std::string& out) {
  while (!pending_.empty() && pending_.front().ready) {
    const auto& p = pending_.front();
    out += std::to_string(p.txnr);
    out += " rsp ";
    out += std::to_string(p.response.size());
    if (!p.response.empty()) {
      out += ' ';
      out += p.response;
    }
    out += '\n';
    pending_.pop_front();
    ++first_tag_;
  }
  if (closing_ && pending_.empty()) finished_ = true;
}

}  // namespace decnet::ingest
