// MongoDB's wire protocol as a server reads it before authentication: the 16-byte message
// header, a command from OP_MSG (section 0) or from a legacy OP_QUERY on "<db>.$cmd" (drivers
// still open with one), the answer in the same form, and the SCRAM messages (RFC 5802) a
// saslStart / saslContinue carries. Lengths are checked against the message at every step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace decnet::decky {

inline constexpr std::size_t kMongoHeaderBytes = 16;
// Before a login nothing a client needs to send is large; MongoDB allows 48 MB.
inline constexpr std::size_t kMongoMaxMessage = 1 << 20;

enum MongoOpCode : std::int32_t {
  kMongoOpReply = 1,
  kMongoOpQuery = 2004,
  kMongoOpMsg = 2013,
};

struct MongoHeader {
  std::int32_t length = 0;  // with the header
  std::int32_t request_id = 0;
  std::int32_t response_to = 0;
  std::int32_t op_code = 0;
};

// Nullopt when the length is under the header's own or over kMongoMaxMessage.
std::optional<MongoHeader> parse_mongo_header(std::string_view sixteen_bytes);

struct MongoCommand {
  std::string_view document;  // the command's BSON document
  std::string database;       // "$db", or the collection prefix of a legacy query
  bool legacy = false;        // came as OP_QUERY: answer with OP_REPLY
};

// The command in a message's body (after the header); nullopt for other op codes or when it is
// malformed.
std::optional<MongoCommand> parse_mongo_command(std::int32_t op_code, std::string_view body);
// The whole answer message to `request` carrying `document`, in the form the command came in.
std::string mongo_reply(const MongoHeader& request, bool legacy, std::string_view document,
                        std::int32_t request_id);

struct ScramClientFirst {
  std::string user;   // "n=", with =2C and =3D decoded
  std::string nonce;  // "r="
  std::string bare;   // the message without its GS2 header, as the AuthMessage needs it
};

struct ScramClientFinal {
  std::string nonce;          // "r="
  std::string proof_b64;      // "p="
  std::string without_proof;  // the message up to ",p=", as the AuthMessage needs it
};

std::optional<ScramClientFirst> parse_scram_client_first(std::string_view message);
std::optional<ScramClientFinal> parse_scram_client_final(std::string_view message);

}  // namespace decnet::decky
