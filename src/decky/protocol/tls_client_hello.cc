#include "decky/protocol/tls_client_hello.h"

#include <cstdint>

#include "core/hash.h"

namespace decnet::decky {
namespace {

constexpr std::uint8_t kHandshakeRecord = 22;
constexpr std::uint8_t kClientHello = 1;
constexpr std::size_t kMaxRecord = 16384 + 2048;  // RFC 8446 5.2, with room for expansion
constexpr std::uint16_t kServerName = 0, kSupportedGroups = 10, kPointFormats = 11, kAlpn = 16;

// A bounds-checked reader; every read past the end fails and sticks.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : rest_(bytes) {}
  bool ok() const { return ok_; }
  bool empty() const { return rest_.empty(); }
  std::uint32_t number(std::size_t n) {
    if (!ok_ || rest_.size() < n) return fail();
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(rest_[i]);
    rest_.remove_prefix(n);
    return v;
  }
  std::string_view bytes(std::size_t n) {
    if (!ok_ || rest_.size() < n) {
      fail();
      return {};
    }
    const auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }
  std::string_view rest() const { return rest_; }
  // A vector with an n-byte length prefix, as its own cursor.
  Cursor vector(std::size_t n) { return Cursor(bytes(number(n)), ok_); }

 private:
  Cursor(std::string_view bytes, bool ok) : rest_(bytes), ok_(ok) {}
  std::uint32_t fail() {
    ok_ = false;
    rest_ = {};
    return 0;
  }
  std::string_view rest_;
  bool ok_ = true;
};

// RFC 8701: values of the form 0x?A?A a client sends to keep servers tolerant; JA3 skips them.
bool grease(std::uint32_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

void append_value(std::string& list, std::uint32_t v) {
  if (!list.empty()) list += '-';
  list += std::to_string(v);
}

}  // namespace

std::optional<std::size_t> tls_record_size(std::string_view first_bytes) {
  if (first_bytes.size() < 5 || static_cast<std::uint8_t>(first_bytes[0]) != kHandshakeRecord ||
      first_bytes[1] != 3) {
    return std::nullopt;
  }
  const std::size_t length =
      (static_cast<std::size_t>(static_cast<unsigned char>(first_bytes[3])) << 8) |
      static_cast<unsigned char>(first_bytes[4]);
  if (length == 0 || length > kMaxRecord) return std::nullopt;
  return 5 + length;
}

std::optional<TlsClientHello> parse_tls_client_hello(std::string_view record) {
  const auto size = tls_record_size(record);
  if (!size || record.size() < *size) return std::nullopt;
  Cursor r(record.substr(5, *size - 5));
  if (r.number(1) != kClientHello) return std::nullopt;
  // A hello longer than its first record is read as far as the record goes.
  const auto declared = r.number(3);
  if (!r.ok() || declared == 0) return std::nullopt;
  const auto version = r.number(2);
  r.bytes(32);  // random
  r.vector(1);  // session id
  std::string ciphers, extensions, groups, formats;
  auto suites = r.vector(2);
  while (suites.ok() && !suites.empty()) {
    const auto c = suites.number(2);
    if (suites.ok() && !grease(c)) append_value(ciphers, c);
  }
  r.vector(1);  // compression methods
  if (!r.ok() || !suites.ok()) return std::nullopt;
  TlsClientHello out;
  if (!r.empty()) {
    auto list = r.vector(2);
    while (list.ok() && !list.empty()) {
      const auto type = list.number(2);
      auto body = list.vector(2);
      if (!list.ok()) return std::nullopt;
      if (grease(type)) continue;
      append_value(extensions, type);
      if (type == kSupportedGroups) {
        auto g = body.vector(2);
        while (g.ok() && !g.empty()) {
          const auto v = g.number(2);
          if (g.ok() && !grease(v)) append_value(groups, v);
        }
      } else if (type == kPointFormats) {
        auto f = body.vector(1);
        while (f.ok() && !f.empty()) {
          const auto v = f.number(1);
          if (f.ok()) append_value(formats, v);
        }
      } else if (type == kServerName) {
        auto names = body.vector(2);
        if (names.number(1) == 0) {
          const auto host = names.vector(2);
          if (names.ok()) out.server_name = std::string(host.rest().substr(0, 255));
        }
      } else if (type == kAlpn) {
        auto protocols = body.vector(2);
        while (protocols.ok() && !protocols.empty() && out.alpn.size() < 16) {
          const auto p = protocols.vector(1);
          if (protocols.ok()) out.alpn.emplace_back(p.rest());
        }
      }
    }
    if (!list.ok()) return std::nullopt;
  }
  out.ja3_string =
      std::to_string(version) + ',' + ciphers + ',' + extensions + ',' + groups + ',' + formats;
  out.ja3 = core::md5_hex(out.ja3_string);
  return out;
}

}  // namespace decnet::decky
