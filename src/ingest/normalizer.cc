#include "ingest/normalizer.h"

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/ip.h"
#include "core/json_text.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ingest/syslog_parser.h"

namespace decnet::ingest {

namespace {

constexpr std::size_t kMaxHostname = 255;
constexpr std::size_t kMaxAppName = 48;
constexpr std::size_t kMaxMsgid = 32;

constexpr std::string_view kRelayId = "relay@55555";
constexpr std::array<std::string_view, 7> kIpKeys = {
    "src_ip", "src", "client_ip", "remote_ip", "remote_addr", "target_ip", "ip"};

// "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535" is 53 bytes; longer tokens are not
// looked at, which keeps the message scans linear whatever the line holds.
constexpr std::size_t kMaxAddressText = 64;

inline bool is_word(char c) {
  return core::is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}
inline char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int ip_key_rank(std::string_view key) {
  for (std::size_t i = 0; i < kIpKeys.size(); ++i) {
    if (kIpKeys[i] == key) return static_cast<int>(i);
  }
  return -1;
}

struct Attacker {
  core::IpAddress ip;
  std::optional<std::uint16_t> port;
};

// A bare address, `a.b.c.d:port`, `[v6]:port` or `[v6]`; placeholders, anything the strict
// parser refuses, and the unspecified address (0.0.0.0 or ::, what a service "listening on
// 0.0.0.0:21" names, never a peer) give nothing.
std::optional<Attacker> resolve(std::string_view text) {
  text = trim(text);
  if (text.empty() || text == "-" || iequals(text, "unknown") || iequals(text, "none")) {
    return std::nullopt;
  }
  std::optional<Attacker> out;
  if (const auto ip = core::IpAddress::parse(text)) {
    out = Attacker{ip->unmapped(), std::nullopt};
  } else if (const auto ep = core::parse_endpoint(text)) {
    out = Attacker{ep->ip.unmapped(), ep->port};
  } else if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    const auto ip = core::IpAddress::parse(text.substr(1, text.size() - 2));
    if (ip && ip->is_v6()) out = Attacker{ip->unmapped(), std::nullopt};
  }
  if (out && out->ip == core::IpAddress::from_v4(0)) return std::nullopt;
  if (out && out->ip == core::IpAddress()) return std::nullopt;
  return out;
}

// `key=value` tokens whose key is one of kIpKeys, best-ranked key first.
std::optional<Attacker> from_msg_pairs(std::string_view msg) {
  std::optional<Attacker> best;
  int best_rank = static_cast<int>(kIpKeys.size());
  for (std::size_t i = 1; i < msg.size(); ++i) {
    if (msg[i] != '=') continue;
    std::size_t k = i;
    while (k > 0 && is_word(msg[k - 1])) --k;
    const int rank = ip_key_rank(msg.substr(k, i - k));
    if (rank < 0 || rank >= best_rank) continue;
    std::size_t v = i + 1;
    while (v < msg.size() && !is_space(msg[v]) && v - i <= kMaxAddressText) ++v;
    if (v - i > kMaxAddressText) continue;
    if (auto a = resolve(msg.substr(i + 1, v - i - 1))) {
      best = a;
      best_rank = rank;
      if (rank == 0) break;
    }
  }
  return best;
}

inline bool is_address_char(char c) {
  return core::is_ascii_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f') || c == ':' || c == '.' ||
         c == '[' || c == ']';
}

// Prose such as sshd's "from X port N", pam's "rhost=X", "client: X", "src=X".
std::optional<Attacker> from_msg_anchor(std::string_view msg) {
  struct Anchor {
    std::string_view word;
    bool needs_separator;
  };
  static constexpr std::array<Anchor, 4> kAnchors = {
      {{"from", false}, {"rhost", true}, {"client", true}, {"src", true}}};
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (i > 0 && is_word(msg[i - 1])) continue;
    for (const Anchor& anchor : kAnchors) {
      const std::size_t n = anchor.word.size();
      if (msg.size() - i < n || !iequals(msg.substr(i, n), anchor.word)) continue;
      std::size_t j = i + n;
      if (anchor.needs_separator) {
        if (j >= msg.size() || (msg[j] != ':' && msg[j] != '=')) continue;
        ++j;
      }
      while (j < msg.size() && is_space(msg[j])) ++j;
      std::size_t e = j;
      while (e < msg.size() && is_address_char(msg[e]) && e - j <= kMaxAddressText) ++e;
      if (e - j > kMaxAddressText) continue;
      std::string_view candidate = msg.substr(j, e - j);
      if (auto a = resolve(candidate)) return a;
      while (!candidate.empty() && (candidate.back() == '.' || candidate.back() == ':')) {
        candidate.remove_suffix(1);
      }
      if (auto a = resolve(candidate)) return a;
    }
  }
  return std::nullopt;
}

// The first dotted quad standing on its own (not part of a longer dotted number such as an OID).
std::optional<Attacker> from_msg_ipv4(std::string_view msg) {
  for (std::size_t i = 0; i < msg.size(); ++i) {
    if (!core::is_ascii_digit(msg[i]) || (i > 0 && (is_word(msg[i - 1]) || msg[i - 1] == '.')))
      continue;
    std::size_t j = i;
    int groups = 0;
    while (groups < 4) {
      const std::size_t start = j;
      while (j < msg.size() && core::is_ascii_digit(msg[j]) && j - start < 3) ++j;
      if (j == start) break;
      ++groups;
      if (groups < 4) {
        if (j >= msg.size() || msg[j] != '.') break;
        ++j;
      }
    }
    if (groups == 4 &&
        (j == msg.size() || (!is_word(msg[j]) && !(msg[j] == '.' && j + 1 < msg.size() &&
                                                   core::is_ascii_digit(msg[j + 1]))))) {
      if (auto a = resolve(msg.substr(i, j - i))) return a;
    }
    while (i + 1 < msg.size() && (is_word(msg[i + 1]) || msg[i + 1] == '.')) ++i;
  }
  return std::nullopt;
}

// Writes fields into the event's vector, reusing the strings already there.
class FieldWriter {
 public:
  explicit FieldWriter(std::vector<std::pair<std::string, std::string>>& fields)
      : fields_(fields) {}
  ~FieldWriter() { fields_.resize(count_); }
  FieldWriter(const FieldWriter&) = delete;
  FieldWriter& operator=(const FieldWriter&) = delete;

  void set(std::string_view name, std::string_view value) {
    if (auto* existing = find(name)) {
      existing->assign(value);
    } else {
      append(name, value);
    }
  }
  void set_default(std::string_view name, std::string_view value) {
    if (find(name) == nullptr) append(name, value);
  }
  bool has(std::string_view name) { return find(name) != nullptr; }

 private:
  static constexpr std::size_t kIndexAbove = 32;

  std::string* find(std::string_view name) {
    if (count_ > kIndexAbove) {
      const auto it = index_.find(std::string(name));
      return it == index_.end() ? nullptr : &fields_[it->second].second;
    }
    for (std::size_t i = 0; i < count_; ++i) {
      if (fields_[i].first == name) return &fields_[i].second;
    }
    return nullptr;
  }
  void append(std::string_view name, std::string_view value) {
    if (count_ < fields_.size()) {
      fields_[count_].first.assign(name);
      fields_[count_].second.assign(value);
    } else {
      fields_.emplace_back(name, value);
    }
    ++count_;
    if (count_ == kIndexAbove + 1) {
      for (std::size_t i = 0; i < count_; ++i) index_.emplace(fields_[i].first, i);
    } else if (count_ > kIndexAbove + 1) {
      index_.emplace(fields_[count_ - 1].first, count_ - 1);
    }
  }

  std::vector<std::pair<std::string, std::string>>& fields_;
  std::size_t count_ = 0;
  std::unordered_map<std::string, std::size_t> index_;  // only for unusually many fields
};

// `CMD uid=0 user=root src=1.2.3.4 pwd=/root cmd=<rest>` from the bash PROMPT_COMMAND hook.
void add_command_fields(std::string_view msg, FieldWriter& fields) {
  if (fields.has("command")) return;
  std::size_t cmd = std::string_view::npos;
  for (std::size_t at = msg.find("cmd=", 4); at != std::string_view::npos;
       at = msg.find("cmd=", at + 1)) {
    if (at == 4 || is_space(msg[at - 1])) {
      cmd = at;
      break;
    }
  }
  std::string_view head = cmd == std::string_view::npos ? msg.substr(4) : msg.substr(4, cmd - 4);
  while (!head.empty()) {
    std::size_t s = 0;
    while (s < head.size() && is_space(head[s])) ++s;
    std::size_t e = s;
    while (e < head.size() && !is_space(head[e])) ++e;
    const std::string_view token = head.substr(s, e - s);
    head.remove_prefix(e);
    const std::size_t eq = token.find('=');
    if (eq == 0 || eq == std::string_view::npos) continue;
    bool word = true;
    for (std::size_t i = 0; i < eq; ++i) word = word && is_word(token[i]);
    if (word) fields.set_default(token.substr(0, eq), token.substr(eq + 1));
  }
  if (cmd != std::string_view::npos) fields.set_default("command", msg.substr(cmd + 4));
}

bool looks_like_rewrapped(std::string_view body) {
  return body.size() > 11 && core::is_ascii_digit(body[0]) && core::is_ascii_digit(body[1]) &&
         core::is_ascii_digit(body[2]) && core::is_ascii_digit(body[3]) && body[4] == '-' &&
         core::is_ascii_digit(body[5]) && core::is_ascii_digit(body[6]) && body[7] == '-' &&
         core::is_ascii_digit(body[8]) && core::is_ascii_digit(body[9]) && body[10] == 'T';
}

}  // namespace

void normalize(const SyslogMessage& msg, [[maybe_unused]] std::string_view raw_line,
               std::int64_t received_at, NormalizedEvent& out) {
  thread_local SyslogMessage inner;
  const SyslogMessage* event = &msg;
  if (msg.format == SyslogFormat::kRfc5424 && msg.msgid == SyslogMessage::kNil &&
      msg.elements.empty()) {
    const std::string_view body = trim(msg.msg);
    if (looks_like_rewrapped(body) && parse_rfc5424_header_tail(body, inner, nullptr)) {
      event = &inner;
    }
  }

  out.timestamp_offset_missing = false;
  if (const auto& ts = msg.timestamp ? msg.timestamp : event->timestamp) {
    out.timestamp = ts->micros_utc;
    out.timestamp_estimated = false;
    out.timestamp_offset_missing = ts->offset_missing;
  } else {
    std::optional<std::int64_t> guessed;
    if (msg.format == SyslogFormat::kRfc3164) {
      guessed = rfc3164_time_micros(msg.timestamp_text, received_at);
    }
    out.timestamp = guessed.value_or(received_at);
    out.timestamp_estimated = true;
  }

  // RFC 5424's own limits (HOSTNAME 255, APP-NAME 48, MSGID 32 octets). These names travel in
  // every event about the line, so a hostile sender must not make them megabytes; the raw line
  // keeps what was sent.
  out.decky.assign(core::truncate_utf8_bytes(event->hostname, kMaxHostname));
  out.service.assign(core::truncate_utf8_bytes(event->app_name, kMaxAppName));
  out.event_type.assign(core::truncate_utf8_bytes(event->msgid, kMaxMsgid));
  out.msg.assign(trim(event->msg));
  out.attacker_ip.reset();
  out.attacker_port.reset();
  out.sd_other.reset();

  std::optional<Attacker> attacker;
  {
    FieldWriter fields(out.fields);
    std::array<std::optional<std::string_view>, kIpKeys.size()> sd_ip;
    nlohmann::json other;
    for (const SdElement& element : event->elements) {
      if (element.id == kRelayId) {
        for (const SdParam& param : event->params_of(element)) {
          fields.set(param.name, param.value);
          const int rank = ip_key_rank(param.name);
          if (rank >= 0) sd_ip[static_cast<std::size_t>(rank)] = param.value;
        }
        continue;
      }
      auto& params = other[std::string(element.id)];
      if (params.is_null()) params = nlohmann::json::object();
      for (const SdParam& param : event->params_of(element)) {
        params[std::string(param.name)] = std::string(param.value);
      }
    }
    if (!other.is_null()) {
      out.sd_other = core::json_text(other);
    }

    for (const auto& value : sd_ip) {
      if (!value) continue;
      attacker = resolve(*value);
      if (!attacker) continue;
      if (attacker->port) fields.set_default("remote_port", std::to_string(*attacker->port));
      break;
    }

    const std::string_view text = out.msg;
    if ((out.event_type == "-" || out.event_type == "command") && text.starts_with("CMD ")) {
      out.event_type = "command";
      add_command_fields(text, fields);
    }
    if (!attacker) attacker = from_msg_pairs(text);
    if (!attacker) attacker = from_msg_anchor(text);
    if (!attacker) attacker = from_msg_ipv4(text);
  }
  if (attacker) {
    out.attacker_ip = attacker->ip.str();
    out.attacker_port = attacker->port;
  }
}

}  // namespace decnet::ingest
