#include "decky/protocol/tds_login.h"

#include "decky/protocol/byte_order.h"
#include "decky/protocol/utf16.h"

namespace decnet::decky {
namespace {

constexpr std::size_t kLogin7FixedBytes = 94;

// A LOGIN7 password: each byte's nibbles swapped, then XORed with 0xA5; this undoes it.
std::string deobfuscate(std::string_view b) {
  std::string out(b);
  for (auto& c : out) {
    const auto x = static_cast<unsigned char>(static_cast<unsigned char>(c) ^ 0xa5);
    c = static_cast<char>((x << 4 | x >> 4) & 0xff);
  }
  return out;
}

}  // namespace

std::optional<TdsHeader> parse_tds_header(std::string_view b) {
  if (b.size() != kTdsHeaderBytes) return std::nullopt;
  TdsHeader h;
  h.type = static_cast<std::uint8_t>(b[0]);
  h.end_of_message = (static_cast<unsigned char>(b[1]) & 0x01) != 0;
  h.length = static_cast<std::uint16_t>(static_cast<unsigned char>(b[2]) << 8 |
                                        static_cast<unsigned char>(b[3]));
  if (h.length < kTdsHeaderBytes) return std::nullopt;
  return h;
}

std::string tds_packet(std::uint8_t type, std::string_view payload) {
  const auto length = static_cast<std::uint16_t>(payload.size() + kTdsHeaderBytes);
  std::string out = {static_cast<char>(type),
                     0x01,
                     static_cast<char>(length >> 8),
                     static_cast<char>(length & 0xff),
                     0,
                     0,
                     1,
                     0};
  return out + std::string(payload);
}

std::string tds_prelogin_response() {
  // Option table (token, offset, length; big endian), then the data it points at.
  const std::string version("\x0f\x00\x07\xd0\x00\x00", 6);  // 15.0.2000, sub-build 0
  const std::string encryption("\x02", 1);                   // ENCRYPT_NOT_SUP
  const std::string instance("\x00", 1);
  const std::string mars("\x00", 1);
  constexpr std::uint16_t kTable = 5 * 5 + 1;  // five options of five bytes, the terminator
  std::string table, data;
  std::uint16_t offset = kTable;
  const auto option = [&](char token, const std::string& value) {
    table += token;
    table += static_cast<char>(offset >> 8);
    table += static_cast<char>(offset & 0xff);
    table += static_cast<char>(value.size() >> 8);
    table += static_cast<char>(value.size() & 0xff);
    data += value;
    offset = static_cast<std::uint16_t>(offset + value.size());
  };
  option(0x00, version);
  option(0x01, encryption);
  option(0x02, instance);
  option(0x03, std::string());  // THREADID: empty from a server
  option(0x04, mars);
  table += '\xff';
  return table + data;
}

std::optional<TdsLogin> parse_tds_login7(std::string_view r) {
  if (r.size() < kLogin7FixedBytes) return std::nullopt;
  TdsLogin login;
  login.tds_version = read_le32(r, 4);
  const auto field = [&](std::size_t at) -> std::optional<std::string_view> {
    const std::size_t offset = read_le16(r, at);
    const std::size_t bytes = 2 * static_cast<std::size_t>(read_le16(r, at + 2));
    if (bytes == 0) return std::string_view();
    if (offset < kLogin7FixedBytes || offset > r.size() || r.size() - offset < bytes) {
      return std::nullopt;
    }
    return r.substr(offset, bytes);
  };
  const auto host = field(36), user = field(40), password = field(44), app = field(48),
             server = field(52), library = field(60), database = field(68);
  if (!host || !user || !password || !app || !server || !library || !database) {
    return std::nullopt;
  }
  login.hostname = utf16le_to_utf8(*host);
  login.username = utf16le_to_utf8(*user);
  login.password = utf16le_to_utf8(deobfuscate(*password));
  login.app_name = utf16le_to_utf8(*app);
  login.server_name = utf16le_to_utf8(*server);
  login.library = utf16le_to_utf8(*library);
  login.database = utf16le_to_utf8(*database);
  return login;
}

std::string tds_login_failed(std::string_view username, std::string_view server_name) {
  const auto text =
      utf8_to_utf16le("Login failed for user '" + std::string(username.substr(0, 128)) + "'.");
  const auto server = utf8_to_utf16le(server_name.substr(0, 64));
  std::string error = le32_bytes(18456);
  error += '\x01';  // state
  error += '\x0e';  // class 14: a security error the user can correct
  error += le16_bytes(static_cast<std::uint32_t>(text.size() / 2)) + text;
  error += static_cast<char>(server.size() / 2) + server;
  error += '\0';  // no procedure
  error += le32_bytes(1);
  std::string out = "\xaa" + le16_bytes(static_cast<std::uint32_t>(error.size())) + error;
  out +=
      "\xfd" + le16_bytes(0x0002) + le16_bytes(0) + std::string(8, '\0');  // DONE, error, no rows
  return out;
}

}  // namespace decnet::decky
