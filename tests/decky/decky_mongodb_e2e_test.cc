// The decky's MongoDB attacked with PyMongo, Debian's MongoDB driver: the handshake and
// buildInfo satisfy it (it reports the persona's version), listDatabases is refused as
// unauthorized, and each login fails with AuthenticationFailed. The master stores the SCRAM
// proofs with their mechanism, and they are really testable offline: the test recomputes each
// client proof from the password PyMongo was given (RFC 5802, MongoDB's SHA-1 password digest)
// and the salt, iteration count and AuthMessage stored beside it. PLAIN gives the password.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/base64.h"
#include "core/hash.h"
#include "decky_run.h"

namespace decnet::testing {
namespace {

std::string hmac(const EVP_MD* md, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &n);
  return {reinterpret_cast<char*>(out), n};
}

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return {reinterpret_cast<char*>(out), n};
}

// The ClientProof of RFC 5802 §3 for `password` (already in the form the mechanism hashes).
std::string client_proof(const EVP_MD* md, const std::string& password, const std::string& salt,
                         int iterations, const std::string& auth_message) {
  std::string salted(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, md, static_cast<int>(salted.size()),
                    reinterpret_cast<unsigned char*>(salted.data()));
  const auto client_key = hmac(md, salted, "Client Key");
  const auto signature = hmac(md, digest(md, client_key), auth_message);
  std::string proof(client_key.size(), '\0');
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = client_key[i] ^ signature[i];
  return proof;
}

class MongoEndToEnd : public ::testing::Test {
 protected:
  RelpMaster master_;
  int port_ = free_port();
  TempDir dir_;

  CommandResult pymongo(const std::string& uri, const std::string& action) {
    const std::string script =
        "import pymongo, sys\n"
        "c = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=5000)\n"
        "try:\n"
        "    print(" +
        action +
        ")\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e)\n";
    // Debian's interpreter: python3-pymongo is installed for it.
    return run_command({"/usr/bin/python3", "-c", script, uri}, {}, std::chrono::seconds(30));
  }
  std::string uri(const std::string& user_info, const std::string& options) const {
    return "mongodb://" + user_info + "@127.0.0.1:" + std::to_string(port_) + "/?" + options;
  }
  // What the master stored for `user`'s login: proof, salt, iterations, AuthMessage.
  struct Stored {
    std::string proof, salt, auth_message;
    int iterations = 0;
  };
  std::optional<Stored> stored(const std::string& user) {
    const auto where =
        "service = 'mongodb' AND event_type = 'auth' AND "
        "json_extract(fields, '$.username') = '" +
        user + "'";
    const auto get = [&](const std::string& field) {
      return sqlite_value(
          master_.db(), "SELECT json_extract(fields, '$." + field + "') FROM logs WHERE " + where);
    };
    const auto proof = get("secret_b64"), salt = get("salt"), message = get("auth_message"),
               iterations = get("iterations");
    if (!proof || !salt || !message || !iterations) return std::nullopt;
    const auto p = core::base64_decode(*proof);
    const auto s = core::base64_decode(*salt);
    if (!p || !s) return std::nullopt;
    return Stored{*p, *s, *message, std::stoi(*iterations)};
  }
};

TEST_F(MongoEndToEnd, PyMongosScramProofsAreStoredAndTestableOffline) {
  ASSERT_TRUE(master_.ready()) << master_.output();
  DeckyRun decky(dir_, master_.relp_port(), "db-01", "mongodb",
                 {"mongodb.ports=" + std::to_string(port_)}, port_);
  ASSERT_TRUE(decky.ready()) << decky.child().output();

  const auto anonymous = pymongo("mongodb://127.0.0.1:" + std::to_string(port_) + "/",
                                 "c.server_info()['version'], c.list_database_names()");
  EXPECT_NE(anonymous.output.find("requires authentication"), std::string::npos)
      << anonymous.output;
  const auto version =
      pymongo("mongodb://127.0.0.1:" + std::to_string(port_) + "/", "c.server_info()['version']");
  EXPECT_NE(version.output.find("6.0.13"), std::string::npos) << version.output;

  const auto sha256 =
      pymongo(uri("alice:S3cret%21", "authSource=admin"), "c.list_database_names()");
  EXPECT_NE(sha256.output.find("Authentication failed"), std::string::npos) << sha256.output;
  const auto sha1 = pymongo(uri("bob:hunter2", "authSource=admin&authMechanism=SCRAM-SHA-1"),
                            "c.list_database_names()");
  EXPECT_NE(sha1.output.find("Authentication failed"), std::string::npos) << sha1.output;
  const auto plain = pymongo(uri("carol:Plain-Pass", "authSource=%24external&authMechanism=PLAIN"),
                             "c.list_database_names()");
  EXPECT_NE(plain.output.find("Authentication failed"), std::string::npos) << plain.output;

  ASSERT_TRUE(master_.arrives("credentials",
                              "service = 'mongodb' AND principal = 'alice' AND secret_kind = "
                              "'scram_sha256'"))
      << master_.output();
  ASSERT_TRUE(master_.arrives("credentials",
                              "service = 'mongodb' AND principal = 'bob' AND secret_kind = "
                              "'scram_sha1'"));
  EXPECT_TRUE(master_.arrives("credentials",
                              "service = 'mongodb' AND principal = 'carol' AND secret_kind = "
                              "'plaintext' AND secret_printable = 'Plain-Pass'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'mongodb' AND event_type = 'command' AND "
                              "json_extract(fields, '$.command') = 'listDatabases'"));
  EXPECT_TRUE(master_.arrives("logs",
                              "service = 'mongodb' AND event_type = 'hello' AND "
                              "json_extract(fields, '$.driver') = 'PyMongo'"));

  const auto a = stored("alice");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->iterations, 15000);
  EXPECT_EQ(client_proof(EVP_sha256(), "S3cret!", a->salt, a->iterations, a->auth_message),
            a->proof);
  EXPECT_NE(client_proof(EVP_sha256(), "S3cret?", a->salt, a->iterations, a->auth_message),
            a->proof);
  const auto b = stored("bob");
  ASSERT_TRUE(b);
  // SCRAM-SHA-1 in MongoDB hashes hex(MD5("user:mongo:password")), not the password.
  const auto mongo_digest = core::to_hex(digest(EVP_md5(), "bob:mongo:hunter2"));
  EXPECT_EQ(client_proof(EVP_sha1(), mongo_digest, b->salt, b->iterations, b->auth_message),
            b->proof);
}

}  // namespace
}  // namespace decnet::testing
