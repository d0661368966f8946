// `decnet serve` as an attacker meets it: the real binary on free loopback ports in a fresh data
// directory, an admin who has already changed the first password, and raw sockets to its
// syslog receivers. Tests that attack the whole program share this instead of each spelling out
// the start-up.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tests_support.h"

namespace decnet::testing {

// A blocking TCP client on loopback with a receive timeout, so a test never hangs on it. The
// local address may be any of 127.0.0.0/8, which lets one host play many attackers.
class TcpClient {
 public:
  explicit TcpClient(int port, const std::string& local_address = "127.0.0.1",
                     std::chrono::milliseconds receive_timeout = std::chrono::seconds(5));
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool send(const std::string& data);
  // Reads until the peer closes or the receive timeout passes.
  std::string receive_all();
  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool closed_by_peer();
  void close();

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// RFC 6587 octet counting: "LEN SP MSG".
std::string octet_frame(const std::string& message);

class ServeProcess {
 public:
  static constexpr const char* kAdminPassword = "a-new-long-passphrase";

  explicit ServeProcess(std::map<std::string, std::string> env = {});
  ~ServeProcess();

  int api_port() const { return api_port_; }
  int tcp_port() const { return tcp_port_; }
  int udp_port() const { return udp_port_; }
  std::filesystem::path data_dir() const { return dir_ / "var"; }
  std::filesystem::path db() const { return data_dir() / "decnet.db"; }
  ChildProcess& child() { return *child_; }
  std::string output() const { return child_->output(); }

  // A bearer token of the admin, who has been through the forced password change.
  const std::string& admin_token();
  CurlReply api(const std::string& method, const std::string& path, const std::string& body = "");

  // Stops with SIGTERM and starts again on the same ports and data directory.
  void restart();
  // Waits for the banner that says every component is up.
  bool wait_ready();

 private:
  void start();

  TempDir dir_;
  std::map<std::string, std::string> env_;
  int api_port_;
  int tcp_port_;
  int udp_port_;
  std::unique_ptr<ChildProcess> child_;
  std::string token_;
  bool password_changed_ = false;
};

// The first column of the first row of `sql` over the database, read with the sqlite3 shell
// as an operator would; nullopt when the query fails or returns nothing.
std::optional<std::string> sqlite_value(const std::filesystem::path& db, const std::string& sql);
// Settings that give a `decnet` run of its own its own data directory under `dir`, no config
// file and free loopback ports.
std::map<std::string, std::string> isolated_env(const TempDir& dir);

std::optional<std::int64_t> sqlite_int(const std::filesystem::path& db, const std::string& sql);

}  // namespace decnet::testing
