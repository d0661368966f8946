#include "decky/protocol/mongo_wire.h"

#include "decky/protocol/bson.h"
#include "decky/protocol/byte_order.h"

namespace decnet::decky {
namespace {

constexpr std::uint32_t kChecksumPresent = 1;

// The value of attribute `key` ("n", "r", ...) among a SCRAM message's comma-separated ones.
std::optional<std::string_view> attribute(std::string_view message, char key) {
  std::size_t start = 0;
  while (start < message.size()) {
    const auto comma = message.find(',', start);
    const auto item = message.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.size() >= 2 && item[0] == key && item[1] == '=') return item.substr(2);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

// A SCRAM user name: "=2C" is a comma and "=3D" an equals sign; any other "=" is an error.
std::optional<std::string> scram_name(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out += s[i];
      continue;
    }
    const auto code = s.substr(i + 1, 2);
    if (code == "2C") {
      out += ',';
    } else if (code == "3D") {
      out += '=';
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<MongoHeader> parse_mongo_header(std::string_view b) {
  if (b.size() != kMongoHeaderBytes) return std::nullopt;
  MongoHeader h;
  h.length = static_cast<std::int32_t>(read_le32(b, 0));
  h.request_id = static_cast<std::int32_t>(read_le32(b, 4));
  h.response_to = static_cast<std::int32_t>(read_le32(b, 8));
  h.op_code = static_cast<std::int32_t>(read_le32(b, 12));
  if (h.length < static_cast<std::int32_t>(kMongoHeaderBytes) ||
      static_cast<std::size_t>(h.length) > kMongoMaxMessage) {
    return std::nullopt;
  }
  return h;
}

std::optional<MongoCommand> parse_mongo_command(std::int32_t op_code, std::string_view body) {
  MongoCommand c;
  if (op_code == kMongoOpMsg) {
    if (body.size() < 5) return std::nullopt;
    const auto flags = read_le32(body, 0);
    if (flags & kChecksumPresent) {
      if (body.size() < 9) return std::nullopt;
      body.remove_suffix(4);
    }
    body.remove_prefix(4);
    // The sections in any order; the one of kind 0 is the command.
    while (!body.empty()) {
      const auto kind = body[0];
      body.remove_prefix(1);
      const auto length = bson_length(body);
      if (!length || *length > body.size()) return std::nullopt;
      if (kind == 0) {
        c.document = body.substr(0, *length);
      } else if (kind != 1) {
        return std::nullopt;
      }
      body.remove_prefix(*length);
    }
    const auto fields = parse_bson(c.document);
    if (!fields || fields->empty()) return std::nullopt;
    if (const auto* db = bson_find(*fields, "$db"); db && db->string()) {
      c.database = std::string(*db->string());
    }
    return c;
  }
  if (op_code == kMongoOpQuery) {
    if (body.size() < 4) return std::nullopt;
    const auto name_end = body.find('\0', 4);
    if (name_end == std::string_view::npos || body.size() < name_end + 1 + 8) return std::nullopt;
    const auto collection = body.substr(4, name_end - 4);
    const auto dot = collection.find('.');
    if (dot == std::string_view::npos || collection.substr(dot + 1) != "$cmd") return std::nullopt;
    c.database = std::string(collection.substr(0, dot));
    c.legacy = true;
    auto doc = body.substr(name_end + 1 + 8);
    const auto length = bson_length(doc);
    if (!length || *length > doc.size()) return std::nullopt;
    c.document = doc.substr(0, *length);
    const auto fields = parse_bson(c.document);
    if (!fields || fields->empty()) return std::nullopt;
    // {$query: {...}, $readPreference: ...}: the command is the inner document.
    if ((*fields)[0].name == "$query" || (*fields)[0].name == "query") {
      const auto inner = (*fields)[0].document();
      const auto inner_fields = inner ? parse_bson(*inner) : std::nullopt;
      if (!inner_fields || inner_fields->empty()) return std::nullopt;
      c.document = *inner;
    }
    return c;
  }
  return std::nullopt;
}

std::string mongo_reply(const MongoHeader& request, bool legacy, std::string_view document,
                        std::int32_t request_id) {
  std::string body;
  if (legacy) {
    body = le32_bytes(0) + le64_bytes(0) + le32_bytes(0) + le32_bytes(1);
  } else {
    body = le32_bytes(0);
    body += '\0';  // section of kind 0
  }
  body += document;
  const auto length = static_cast<std::uint32_t>(kMongoHeaderBytes + body.size());
  return le32_bytes(length) + le32_bytes(static_cast<std::uint32_t>(request_id)) +
         le32_bytes(static_cast<std::uint32_t>(request.request_id)) +
         le32_bytes(static_cast<std::uint32_t>(legacy ? kMongoOpReply : kMongoOpMsg)) + body;
}

std::optional<ScramClientFirst> parse_scram_client_first(std::string_view m) {
  // gs2-header: "n,," / "y,," / "p=...," then an optional authzid: two commas in all.
  const auto first = m.find(',');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = m.find(',', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  ScramClientFirst out;
  out.bare = std::string(m.substr(second + 1));
  const auto user = attribute(out.bare, 'n');
  const auto nonce = attribute(out.bare, 'r');
  if (!user || !nonce || nonce->empty()) return std::nullopt;
  const auto name = scram_name(*user);
  if (!name) return std::nullopt;
  out.user = *name;
  out.nonce = std::string(*nonce);
  return out;
}

std::optional<ScramClientFinal> parse_scram_client_final(std::string_view m) {
  const auto at = m.rfind(",p=");
  if (at == std::string_view::npos) return std::nullopt;
  ScramClientFinal out;
  out.without_proof = std::string(m.substr(0, at));
  out.proof_b64 = std::string(m.substr(at + 3));
  const auto nonce = attribute(out.without_proof, 'r');
  if (!nonce || out.proof_b64.empty()) return std::nullopt;
  out.nonce = std::string(*nonce);
  return out;
}

}  // namespace decnet::decky
