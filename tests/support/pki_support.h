// A throwaway PKI made with the openssl command line: a CA, a server certificate for localhost,
// and two client certificates (a registered sensor, "sensor-01", and an intruder).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests_support.h"

namespace decnet::testing {

class Pki {
 public:
  explicit Pki(const std::filesystem::path& dir) : dir_(dir) {
    run({"openssl",
         "req",
         "-x509",
         "-newkey",
         "ec",
         "-pkeyopt",
         "ec_paramgen_curve:prime256v1",
         "-nodes",
         "-keyout",
         file("ca.key"),
         "-out",
         file("ca.pem"),
         "-days",
         "2",
         "-subj",
         "/CN=DECNET Test CA",
         "-addext",
         "basicConstraints=critical,CA:TRUE",
         "-addext",
         "keyUsage=critical,keyCertSign,cRLSign"});
    issue("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    issue("sensor", "sensor-01", "extendedKeyUsage=clientAuth");
    issue("intruder", "intruder", "extendedKeyUsage=clientAuth");
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  std::string fingerprint(const std::string& who) {
    auto r =
        run({"openssl", "x509", "-in", file(who + ".pem"), "-noout", "-fingerprint", "-sha256"});
    auto eq = r.find('=');
    auto fp = r.substr(eq + 1);
    while (!fp.empty() && (fp.back() == '\n' || fp.back() == '\r')) fp.pop_back();
    return fp;  // "AB:CD:..."
  }

 private:
  void issue(const std::string& who, const std::string& cn, const std::string& ext) {
    run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", file(who + ".key"), "-out", file(who + ".csr"), "-subj", "/CN=" + cn});
    {
      std::ofstream out(dir_ / (who + ".ext"));
      out << ext << "\n";
    }
    run({"openssl", "x509", "-req", "-in", file(who + ".csr"), "-CA", file("ca.pem"), "-CAkey",
         file("ca.key"), "-CAcreateserial", "-out", file(who + ".pem"), "-days", "2", "-extfile",
         file(who + ".ext")});
  }
  std::string run(const std::vector<std::string>& argv) {
    auto r = run_command(argv);
    EXPECT_EQ(r.status, 0) << r.output;
    return r.output;
  }
  std::filesystem::path dir_;
};

}  // namespace decnet::testing
