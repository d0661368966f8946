#include "serve_support.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>

namespace decnet::testing {

TcpClient::TcpClient(int port, const std::string& local_address,
                     std::chrono::milliseconds receive_timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{};
  tv.tv_sec = receive_timeout.count() / 1000;
  tv.tv_usec = (receive_timeout.count() % 1000) * 1000;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, local_address.c_str(), &local.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

TcpClient::~TcpClient() {
  close();
}

void TcpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TcpClient::send(const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

std::string TcpClient::receive_all() {
  std::string out;
  char buf[4096];
  while (true) {
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

bool TcpClient::closed_by_peer() {
  char c;
  const auto n = ::recv(fd_, &c, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

std::string octet_frame(const std::string& message) {
  return std::to_string(message.size()) + " " + message;
}

ServeProcess::ServeProcess(std::map<std::string, std::string> env)
    : env_(std::move(env)),
      api_port_(free_port()),
      tcp_port_(free_port()),
      udp_port_(free_port(true)) {
  env_.emplace("DECNET_DATA_DIR", data_dir().string());
  env_.emplace("DECNET_CONFIG", (dir_ / "none.ini").string());
  env_.emplace("DECNET_ADMIN_PASSWORD", "first-admin-passphrase");
  env_["DECNET_API_PORT"] = std::to_string(api_port_);
  env_["DECNET_SYSLOG_TCP_PORT"] = std::to_string(tcp_port_);
  env_["DECNET_SYSLOG_UDP_PORT"] = std::to_string(udp_port_);
  start();
}

ServeProcess::~ServeProcess() = default;

void ServeProcess::start() {
  child_ = std::make_unique<ChildProcess>(std::vector<std::string>{decnet_binary(), "serve"}, env_);
}

bool ServeProcess::wait_ready() {
  return wait_until([&] { return output().find("ready") != std::string::npos; },
                    std::chrono::seconds(30));
}

void ServeProcess::restart() {
  child_->stop(SIGTERM, std::chrono::seconds(60));
  start();
  token_.clear();
}

const std::string& ServeProcess::admin_token() {
  if (!token_.empty()) return token_;
  const auto login = [&](const std::string& password) {
    return curl_json(api_port_, "POST", "/api/v1/auth/login", "",
                     nlohmann::json{{"username", "admin"}, {"password", password}}.dump());
  };
  // No failed attempt on the way: tests of the login limits count on that.
  CurlReply reply;
  if (password_changed_) {
    reply = login(kAdminPassword);
    if (reply.status != 200) throw std::runtime_error("admin login failed: " + reply.raw);
  } else {
    const auto first = login(env_.at("DECNET_ADMIN_PASSWORD"));
    if (first.status != 200) throw std::runtime_error("admin login failed: " + first.raw);
    reply = curl_json(api_port_, "POST", "/api/v1/auth/change-password",
                      first.body["access_token"].get<std::string>(),
                      nlohmann::json{{"old_password", env_.at("DECNET_ADMIN_PASSWORD")},
                                     {"new_password", kAdminPassword}}
                          .dump());
    if (reply.status != 200) throw std::runtime_error("password change failed: " + reply.raw);
    password_changed_ = true;
  }
  token_ = reply.body["access_token"].get<std::string>();
  return token_;
}

CurlReply ServeProcess::api(const std::string& method, const std::string& path,
                            const std::string& body) {
  return curl_json(api_port_, method, path, admin_token(), body);
}

std::optional<std::string> sqlite_value(const std::filesystem::path& db, const std::string& sql) {
  const auto r = run_command({"sqlite3", "-readonly", "-cmd", ".timeout 5000", db.string(), sql});
  if (r.status != 0 || r.output.empty()) return std::nullopt;
  auto out = r.output;
  if (const auto nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  if (const auto bar = out.find('|'); bar != std::string::npos) out.resize(bar);
  return out;
}

std::map<std::string, std::string> isolated_env(const TempDir& dir) {
  return {{"DECNET_DATA_DIR", (dir / "var").string()},
          {"DECNET_CONFIG", (dir / "none.ini").string()},
          {"DECNET_SYSLOG_TCP_PORT", std::to_string(free_port())},
          {"DECNET_SYSLOG_UDP_PORT", std::to_string(free_port(true))},
          {"DECNET_API_PORT", std::to_string(free_port())}};
}

std::optional<std::int64_t> sqlite_int(const std::filesystem::path& db, const std::string& sql) {
  const auto v = sqlite_value(db, sql);
  if (!v || v->empty()) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace decnet::testing
