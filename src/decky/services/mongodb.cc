// MongoDB (default 6.0) with authentication on, as a client meets it: hello / isMaster (legacy
// OP_QUERY or OP_MSG) answered with the server's limits and SCRAM mechanisms, buildInfo and
// ping answered, every other command refused as unauthorized and reported. A login is a SASL
// conversation: SCRAM-SHA-1 or SCRAM-SHA-256 gets a server-first message with a fresh nonce and
// salt, and the client's proof comes back as `auth` (scram_sha1 / scram_sha256) with the salt,
// iteration count and AuthMessage beside it — everything needed to test a word list against it
// offline; PLAIN gives the password itself. Every login fails with AuthenticationFailed.
#include <array>
#include <chrono>

#include "core/base64.h"
#include "core/hash.h"
#include "core/text.h"
#include "decky/protocol/bson.h"
#include "decky/protocol/mongo_wire.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr int kMaxMessages = 64;

std::string random_b64(std::size_t bytes) {
  std::vector<std::uint8_t> raw(bytes);
  core::secure_random_bytes(raw);
  return core::base64_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), bytes));
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string error(std::string_view message, std::int32_t code, std::string_view code_name) {
  return BsonWriter()
      .number("ok", 0)
      .string("errmsg", message)
      .int32("code", code)
      .string("codeName", code_name)
      .done();
}

std::string text_of(const std::vector<BsonElement>& doc, std::string_view name) {
  const auto* e = bson_find(doc, name);
  const auto s = e ? e->string() : std::nullopt;
  return s ? std::string(s->substr(0, 256)) : std::string();
}

// A field of an embedded document, e.g. client.driver.name.
std::string nested_text(const std::vector<BsonElement>& doc, std::string_view outer,
                        std::string_view name) {
  const auto* e = bson_find(doc, outer);
  const auto inner = e ? e->document() : std::nullopt;
  const auto fields = inner ? parse_bson(*inner) : std::nullopt;
  return fields ? text_of(*fields, name) : std::string();
}

// The wire version a driver sees for a server version "major.minor...".
std::int32_t wire_version(const std::string& version) {
  if (version.rfind("4.4", 0) == 0) return 9;
  if (version.rfind("5.0", 0) == 0) return 13;
  if (version.rfind("7.0", 0) == 0) return 21;
  return 17;  // 6.0
}

std::vector<std::int32_t> version_array(const std::string& version) {
  std::vector<std::int32_t> out;
  std::size_t start = 0;
  while (out.size() < 3 && start <= version.size()) {
    const auto dot = version.find('.', start);
    try {
      out.push_back(std::stoi(version.substr(start, dot - start)));
    } catch (const std::exception&) {
      out.push_back(0);
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  while (out.size() < 4) out.push_back(0);
  return out;
}

class MongoService final : public ConversationService {
 public:
  explicit MongoService(std::string version) : version_(std::move(version)) {}

 private:
  // One connection's SASL conversation.
  struct Sasl {
    std::string mechanism, user, database, client_first_bare, server_first, salt_b64;
    int iterations = 0;
    bool started = false;
    bool greeted = false;  // the client's metadata reported
  };

  asio::awaitable<void> converse(Session& s) override {
    Sasl sasl;
    std::int32_t next_id = 1;
    for (int i = 0; i < kMaxMessages; ++i) {
      const auto head = co_await s.read_exact(kMongoHeaderBytes);
      if (!head) co_return;
      const auto header = parse_mongo_header(*head);
      if (!header) {
        s.emit("protocol_error", {{"reason", "bad message length"}});
        co_return;
      }
      const auto body = co_await s.read_exact(header->length - kMongoHeaderBytes);
      if (!body) co_return;
      const auto command = parse_mongo_command(header->op_code, *body);
      if (!command) {
        s.emit("protocol_error",
               {{"reason", "not a command"}, {"op_code", std::to_string(header->op_code)}});
        co_return;
      }
      const auto answer = respond(s, *command, sasl);
      if (!co_await s.write(mongo_reply(*header, command->legacy, answer, next_id++))) co_return;
    }
  }

  std::string respond(Session& s, const MongoCommand& command, Sasl& sasl) {
    const auto doc = parse_bson(command.document);  // checked by parse_mongo_command
    const std::string name(doc->front().name.substr(0, 64));
    const auto lower = core::ascii_lower(name);
    if (lower == "hello" || lower == "ismaster") return hello(s, *doc, lower == "hello", sasl);
    if (lower == "buildinfo") return build_info();
    if (lower == "ping") return BsonWriter().number("ok", 1).done();
    if (name == "saslStart") return sasl_start(s, *doc, command.database, sasl);
    if (name == "saslContinue") return sasl_continue(s, *doc, sasl);
    s.emit("command", {{"command", name}, {"database", command.database.substr(0, 128)}});
    return error("command " + name + " requires authentication", 13, "Unauthorized");
  }

  std::string hello(Session& s, const std::vector<BsonElement>& doc, bool hello_form, Sasl& state) {
    if (!state.greeted) {
      state.greeted = true;
      s.emit("hello", {{"driver", nested_text_of(doc, "driver", "name")},
                       {"driver_version", nested_text_of(doc, "driver", "version")},
                       {"os", nested_text_of(doc, "os", "type")},
                       {"application", nested_text_of(doc, "application", "name")}});
    }
    BsonWriter w;
    if (bson_find(doc, "helloOk")) w.boolean("helloOk", true);
    w.boolean(hello_form ? "isWritablePrimary" : "ismaster", true)
        .int32("maxBsonObjectSize", 16 * 1024 * 1024)
        .int32("maxMessageSizeBytes", 48'000'000)
        .int32("maxWriteBatchSize", 100'000)
        .date_time("localTime", now_millis())
        .int32("logicalSessionTimeoutMinutes", 30)
        .int32("connectionId", ++connections_)
        .int32("minWireVersion", 0)
        .int32("maxWireVersion", wire_version(version_))
        .boolean("readOnly", false);
    if (bson_find(doc, "saslSupportedMechs")) {
      w.array("saslSupportedMechs", std::vector<std::string>{"SCRAM-SHA-1", "SCRAM-SHA-256"});
    }
    return w.number("ok", 1).done();
  }

  // client.<outer>.<name> of a hello's client metadata.
  static std::string nested_text_of(const std::vector<BsonElement>& doc, std::string_view outer,
                                    std::string_view name) {
    const auto* client = bson_find(doc, "client");
    const auto inner = client ? client->document() : std::nullopt;
    const auto fields = inner ? parse_bson(*inner) : std::nullopt;
    return fields ? nested_text(*fields, outer, name) : std::string();
  }

  std::string build_info() const {
    return BsonWriter()
        .string("version", version_)
        .string("gitVersion", "3b1a5a6c1bbbd6bd0b4e4f1ab7d1ba4b2bbd4b5e")
        .array("modules", std::vector<std::string>{})
        .string("allocator", "tcmalloc")
        .string("javascriptEngine", "mozjs")
        .string("sysInfo", "deprecated")
        .array("versionArray", version_array(version_))
        .int32("bits", 64)
        .boolean("debug", false)
        .int32("maxBsonObjectSize", 16 * 1024 * 1024)
        .number("ok", 1)
        .done();
  }

  std::string sasl_start(Session& s, const std::vector<BsonElement>& doc,
                         const std::string& database, Sasl& sasl) {
    sasl = Sasl{.greeted = sasl.greeted};
    sasl.mechanism = text_of(doc, "mechanism");
    sasl.database = database.substr(0, 128);
    const auto* payload_element = bson_find(doc, "payload");
    const auto payload = payload_element ? payload_element->binary() : std::nullopt;
    if (sasl.mechanism == "PLAIN" && payload) return plain(s, *payload, sasl);
    const auto first = payload ? parse_scram_client_first(*payload) : std::nullopt;
    const bool scram = sasl.mechanism == "SCRAM-SHA-1" || sasl.mechanism == "SCRAM-SHA-256";
    s.emit("auth_start", {{"mechanism", sasl.mechanism},
                          {"username", first ? first->user : std::string()},
                          {"database", sasl.database}});
    if (!scram || !first) {
      return error("Received authentication for mechanism " + sasl.mechanism +
                       " which is unknown or not enabled",
                   2, "BadValue");
    }
    sasl.user = first->user;
    sasl.client_first_bare = first->bare;
    sasl.iterations = sasl.mechanism == "SCRAM-SHA-256" ? 15'000 : 10'000;
    sasl.salt_b64 = random_b64(sasl.mechanism == "SCRAM-SHA-256" ? 28 : 16);
    sasl.server_first = "r=" + first->nonce + random_b64(24) + ",s=" + sasl.salt_b64 +
                        ",i=" + std::to_string(sasl.iterations);
    sasl.started = true;
    return BsonWriter()
        .int32("conversationId", 1)
        .boolean("done", false)
        .binary("payload", sasl.server_first)
        .number("ok", 1)
        .done();
  }

  std::string plain(Session& s, std::string_view payload, const Sasl& sasl) {
    // [authzid] NUL authcid NUL password
    const auto a = payload.find('\0');
    const auto b = a == std::string_view::npos ? a : payload.find('\0', a + 1);
    if (b != std::string_view::npos) {
      const auto user = payload.substr(a + 1, b - a - 1);
      const std::string name(user);
      Fields f{{"username", name}, {"principal", name}, {"mechanism", "PLAIN"}};
      append_secret(f, payload.substr(b + 1), "plaintext");
      f.emplace_back("database", sasl.database);
      s.emit("auth", std::move(f), Severity::kWarning);
    }
    return error("Authentication failed.", 18, "AuthenticationFailed");
  }

  std::string sasl_continue(Session& s, const std::vector<BsonElement>& doc, Sasl& sasl) {
    const auto* payload_element = bson_find(doc, "payload");
    const auto payload = payload_element ? payload_element->binary() : std::nullopt;
    const auto final = payload ? parse_scram_client_final(*payload) : std::nullopt;
    if (!sasl.started || !final) {
      s.emit("protocol_error", {{"reason", "saslContinue without a SCRAM conversation"}});
      return error("No SASL session state found", 17, "ProtocolError");
    }
    sasl.started = false;
    const auto proof = core::base64_decode(final->proof_b64);
    Fields f{{"username", sasl.user},
             {"principal", sasl.user},
             {"mechanism", sasl.mechanism},
             {"secret_kind", sasl.mechanism == "SCRAM-SHA-256" ? "scram_sha256" : "scram_sha1"},
             {"secret_printable", final->proof_b64},
             {"secret_b64", encode_secret(proof.value_or(final->proof_b64)).b64},
             {"database", sasl.database}};
    f.emplace_back("salt", sasl.salt_b64);
    f.emplace_back("iterations", std::to_string(sasl.iterations));
    f.emplace_back("auth_message",
                   sasl.client_first_bare + "," + sasl.server_first + "," + final->without_proof);
    s.emit("auth", std::move(f), Severity::kWarning);
    return error("Authentication failed.", 18, "AuthenticationFailed");
  }

  std::string version_;
  std::int32_t connections_ = 0;
};

}  // namespace

std::unique_ptr<Service> make_mongodb_service(const Persona&, const ServiceSettings& settings) {
  return std::make_unique<MongoService>(setting(settings, "version"));
}

}  // namespace decnet::decky
