// Redis as an exposed 7.x server with a password: AUTH (one argument: the "default" user, as
// Redis itself reads it; two: ACL user and password) and HELLO ... AUTH are captured and
// refused (no password is ever right), every command is reported, and everything else gets
// NOAUTH.
// With requirepass off, the usual reconnaissance (PING, INFO, CONFIG GET, KEYS) gets plausible
// empty answers and writes are acknowledged without being kept.
#include "core/text.h"
#include "decky/protocol/resp.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

namespace asio = boost::asio;

constexpr std::size_t kRedisReadBytes = 16'384;

// Python's repr of a list of str, as the reference's lines carry args.
std::string python_list(const std::vector<std::string>& args, std::size_t from, std::size_t max) {
  std::string out = "[";
  for (std::size_t i = from; i < args.size() && i < from + max; ++i) {
    if (i > from) out += ", ";
    out += '\'';
    for (const char c : args[i]) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out + "]";
}

std::string bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

class RedisService final : public Service {
 public:
  RedisService(const Persona& persona, const ServiceSettings& s)
      : version_(setting(s, "version")),
        os_(setting(s, "os_string")),
        requirepass_(setting(s, "requirepass") == "true"),
        hostname_(persona.hostname) {}

  asio::awaitable<void> serve(std::shared_ptr<Session> s) override {
    s->emit("connect", {});
    std::string buffer;
    int commands = 0;
    while (s->open() && commands < 500) {
      auto parsed = parse_resp_command(buffer);
      if (parsed.status == RespCommand::Status::kIncomplete) {
        auto more = co_await s->read_some(kRedisReadBytes);
        if (more.empty()) break;
        buffer += more;
        continue;
      }
      if (parsed.status == RespCommand::Status::kError) {
        co_await s->write("-ERR " + parsed.error + "\r\n");
        break;
      }
      buffer.erase(0, parsed.consumed);
      if (parsed.args.empty()) continue;
      ++commands;
      if (!co_await s->write(answer(*s, parsed.args))) break;
    }
    s->emit("disconnect", {});
  }

 private:
  std::string answer(Session& s, const std::vector<std::string>& args) {
    const auto cmd = core::ascii_upper(args[0]);
    s.emit("command", {{"cmd", cmd}, {"args", python_list(args, 1, 8)}});
    if (cmd == "AUTH") {
      if (args.size() == 2) return auth(s, "default", args[1]);
      if (args.size() == 3) return auth(s, args[1], args[2]);
      return "-ERR wrong number of arguments for 'auth' command\r\n";
    }
    if (cmd == "HELLO") {
      for (std::size_t i = 1; i + 2 < args.size(); ++i) {
        if (core::ascii_upper(args[i]) == "AUTH") return auth(s, args[i + 1], args[i + 2]);
      }
    }
    if (cmd == "QUIT") return "+OK\r\n";
    if (requirepass_) return "-NOAUTH Authentication required.\r\n";
    if (cmd == "PING") return args.size() > 1 ? bulk(args[1]) : "+PONG\r\n";
    if (cmd == "ECHO" && args.size() > 1) return bulk(args[1]);
    if (cmd == "INFO") {
      return bulk("# Server\r\nredis_version:" + version_ +
                  "\r\nredis_mode:standalone\r\nos:" + os_ +
                  "\r\narch_bits:64\r\ntcp_port:6379\r\nuptime_in_days:41\r\n"
                  "executable:/usr/bin/redis-server\r\nconfig_file:/etc/redis/redis.conf\r\n\r\n"
                  "# Clients\r\nconnected_clients:1\r\n\r\n# Keyspace\r\n");
    }
    if (cmd == "CONFIG" || cmd == "KEYS" || cmd == "SCAN") return "*0\r\n";
    if (cmd == "SET" || cmd == "FLUSHALL" || cmd == "FLUSHDB" || cmd == "SAVE" ||
        cmd == "SLAVEOF" || cmd == "REPLICAOF") {
      return "+OK\r\n";
    }
    if (cmd == "GET") return "$-1\r\n";
    if (cmd == "DBSIZE") return ":0\r\n";
    std::string name = args[0].substr(0, 64);
    for (auto& c : name) {
      if (c == '\r' || c == '\n') c = ' ';
    }
    return "-ERR unknown command '" + name + "', with args beginning with: \r\n";
  }

  std::string auth(Session& s, const std::string& user, const std::string& password) {
    Fields f;
    append_credential(f, user, password);
    f.erase(f.begin());  // Redis lines carry the principal only
    s.emit("auth", std::move(f));
    return "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
  }

  std::string version_;
  std::string os_;
  bool requirepass_;
  std::string hostname_;
};

}  // namespace

std::unique_ptr<Service> make_redis_service(const Persona& persona,
                                            const ServiceSettings& settings) {
  return std::make_unique<RedisService>(persona, settings);
}

}  // namespace decnet::decky
