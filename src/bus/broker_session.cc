// A PUB body is validated without building a document and only its top-level "type" and
// "payload" are located in the text, which the router then splices into the EVT as they are:
// the broker never reparses or re-serialises what it forwards.
#include "bus/broker_session.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "bus/matcher.h"

namespace decnet::bus {
namespace {

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// End of the JSON value starting at `i` in already validated text.
std::size_t skip_value(std::string_view s, std::size_t i) {
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;  // end of the enclosing object: a scalar ended here
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      return i;
    }
  }
  return i;
}

// Finds the top-level "type" (a string) and "payload" (an object) of a validated JSON text;
// false when the text is not an object. Later duplicates win, as in a parsed document.
bool top_level_fields(std::string_view s, std::string_view* type, std::string_view* payload) {
  std::size_t i = skip_ws(s, 0);
  if (i >= s.size() || s[i] != '{') return false;
  i = skip_ws(s, i + 1);
  while (i < s.size() && s[i] != '}') {
    const std::size_t key_end = skip_value(s, i);
    const auto key = s.substr(i, key_end - i);
    i = skip_ws(s, key_end) + 1;  // past ':'
    i = skip_ws(s, i);
    const std::size_t value_end = skip_value(s, i);
    const auto value = s.substr(i, value_end - i);
    if (key == R"("type")" && !value.empty() && value.front() == '"') *type = value;
    if (key == R"("payload")" && !value.empty() && value.front() == '{') *payload = value;
    i = skip_ws(s, value_end);
    if (i < s.size() && s[i] == ',') i = skip_ws(s, i + 1);
  }
  return true;
}

BrokerSession::End protocol_error(std::string reason) {
  return {std::move(reason), true};
}

}  // namespace

BrokerSession::BrokerSession(BrokerRouter& router, BrokerEndpoint& endpoint, pid_t pid, uid_t uid)
    : router_(router), endpoint_(endpoint), pid_(pid), uid_(uid) {}

std::string BrokerSession::peer() const {
  return "client '" + name_ + "' (pid " + std::to_string(pid_) + ", uid " + std::to_string(uid_) +
         ")";
}

std::optional<BrokerSession::End> BrokerSession::on_bytes(std::string_view bytes) {
  while (true) {
    bytes.remove_prefix(decoder_.feed(bytes));
    if (decoder_.failed()) return protocol_error("protocol error: " + decoder_.error());
    if (!decoder_.has_frame()) return std::nullopt;
    Frame frame = decoder_.take();
    if (auto end = handle(frame)) return end;
  }
}

BrokerSession::End BrokerSession::on_end() const {
  if (auto cut = decoder_.finish()) return protocol_error("disconnected: " + *cut);
  return {"disconnected", false};
}

void BrokerSession::acknowledge(std::string_view verb, const std::string& args,
                                std::string_view body) {
  if (!ack_) return;
  const std::string text = args.empty() ? std::string(verb) : std::string(verb) + " " + args;
  endpoint_.send(std::make_shared<const std::string>(encode_frame(Verb::kOk, text, body)));
}

std::optional<BrokerSession::End> BrokerSession::handle(Frame& frame) {
  std::string error;
  switch (frame.verb) {
    case Verb::kHello: {
      if (!frame.args.empty()) name_ = frame.args;
      auto body = decode_body(frame.body, &error);
      if (!body) return protocol_error("malformed HELLO: " + error);
      const auto features = body->find("features");
      if (features != body->end() && features->is_array()) {
        for (const auto& f : *features) {
          if (f.is_string() && f.get_ref<const std::string&>() == kAckFeature) ack_ = true;
        }
      }
      spdlog::info("bus: {} said hello{}", peer(), ack_ ? " (acks)" : "");
      acknowledge("HELLO", {}, R"({"features":["ack"]})");
      return std::nullopt;
    }
    case Verb::kSub: {
      if (frame.args.empty()) return protocol_error("SUB without a pattern");
      if (auto bad = pattern_error(frame.args)) return protocol_error("rejected SUB: " + *bad);
      router_.subscribe(endpoint_, frame.args);
      acknowledge("SUB", frame.args);
      return std::nullopt;
    }
    case Verb::kUnsub:
      router_.unsubscribe(endpoint_, frame.args);
      acknowledge("UNSUB", frame.args);
      return std::nullopt;
    case Verb::kPub: {
      if (frame.args.empty()) return protocol_error("PUB without a topic");
      std::string_view type = "\"\"";
      std::string_view payload = "{}";
      if (!frame.body.empty()) {
        if (!nlohmann::json::accept(frame.body) || !top_level_fields(frame.body, &type, &payload)) {
          return protocol_error("malformed PUB " + frame.args + ": body is not a JSON object");
        }
      }
      router_.publish_raw(&endpoint_, frame.args, type, payload);
      return std::nullopt;
    }
    case Verb::kBye:
      return End{"said goodbye", false};
    case Verb::kEvt:
    case Verb::kOk:
      return protocol_error(std::string(verb_name(frame.verb)) + " is not a client verb");
  }
  return std::nullopt;
}

}  // namespace decnet::bus
