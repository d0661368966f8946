// Fingerprint vectors: related software near, unrelated far, bare hashes equal or apart, and
// nothing made from inputs that carry no fingerprint or are not the format they claim.
#include "correlate/fingerprint_vector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace decnet::correlate {
namespace {

double vector_distance(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum);
}

double length(const std::vector<float>& v) {
  return vector_distance(v, std::vector<float>(v.size(), 0.0F));
}

constexpr const char* kChrome = "771,4865-4866-4867-49195-49199,0-23-65281-10-11-35-16,29-23-24,0";
constexpr const char* kChromeNext =
    "771,4865-4866-4867-49195-49199,0-23-65281-10-11-35-16-17513,29-23-24,0";
constexpr const char* kCurl = "771,49200-49196-49192-159-107-57,11-10-13-15,23-25-28,0-1-2";

TEST(FingerprintVector, RelatedTlsClientsAreNearerThanUnrelatedOnes) {
  const auto chrome = ja3_vector("a0e9f5d64349fb13191bc781f81f42e1", kChrome);
  const auto next = ja3_vector("b32309a26951912be7dba376398abc3b", kChromeNext);
  const auto curl = ja3_vector("3b5074b1b5d032e5620f69f9f700ff0e", kCurl);
  ASSERT_EQ(chrome.size(), kFingerprintVectorDim);
  EXPECT_NEAR(length(chrome), 1.0, 1e-5);
  EXPECT_LT(vector_distance(chrome, next), 0.3);
  EXPECT_GT(vector_distance(chrome, curl), 2 * vector_distance(chrome, next));
  // The order of a field's items does not change the fingerprint's parts.
  EXPECT_EQ(ja3_vector("x", "771,4866-4865,0,29,0"), ja3_vector("y", "771,4865-4866,0,29,0"));
}

TEST(FingerprintVector, BareHashesAreEqualOrApart) {
  const auto a = ja3_vector("a0e9f5d64349fb13191bc781f81f42e1", "");
  const auto same = ja3_vector("A0E9F5D64349FB13191BC781F81F42E1", "");
  const auto other = ja3_vector("3b5074b1b5d032e5620f69f9f700ff0e", "");
  ASSERT_EQ(a.size(), kFingerprintVectorDim);
  EXPECT_NEAR(length(a), 1.0, 1e-5);
  EXPECT_EQ(a, same);
  EXPECT_GT(vector_distance(a, other), 0.8);
  // A string that is not a JA3 string falls back to the hash.
  EXPECT_EQ(ja3_vector("a0e9f5d64349fb13191bc781f81f42e1", "not,a ja3"), a);
  EXPECT_TRUE(ja3_vector("not-hex-at-all-zzzz", "").empty());
  EXPECT_TRUE(ja3_vector("", "").empty());
}

TEST(FingerprintVector, HasshComparesAlgorithms) {
  const auto openssh =
      hassh_vector("ec7378c1a92f5a8dde7e8b7a1ddf33d1",
                   "curve25519-sha256,ecdh-sha2-nistp256;chacha20-poly1305@openssh.com,aes128-ctr;"
                   "umac-64-etm@openssh.com,hmac-sha2-256;none,zlib@openssh.com");
  const auto newer =
      hassh_vector("0df0d56bb50c6b2426d8d40234bf1826",
                   "sntrup761x25519-sha512@openssh.com,curve25519-sha256,ecdh-sha2-nistp256;"
                   "chacha20-poly1305@openssh.com,aes128-ctr;umac-64-etm@openssh.com,hmac-sha2-256;"
                   "none,zlib@openssh.com");
  const auto paramiko =
      hassh_vector("c1c596caaeb93c566b8ecf3cae9b5a9e",
                   "diffie-hellman-group14-sha1;aes128-cbc,3des-cbc;hmac-sha1;none");
  ASSERT_EQ(openssh.size(), kFingerprintVectorDim);
  EXPECT_LT(vector_distance(openssh, newer), vector_distance(openssh, paramiko));
}

TEST(FingerprintVector, JarmSharesProbeAnswers) {
  const auto a = jarm_vector("27d40d40d29d40d1dc42d43d00041d4689ee210389f4f6b4b5b1b93f92252d");
  const auto same_stack =
      jarm_vector("27d40d40d29d40d1dc42d43d00041d0000000000000000000000000000000a");
  const auto other = jarm_vector("07d14d16d21d21d07c42d41d00041d24a458a375eef0c576d23a7bab9a9fb1");
  ASSERT_EQ(a.size(), kFingerprintVectorDim);
  EXPECT_NEAR(length(a), 1.0, 1e-5);
  EXPECT_LT(vector_distance(a, same_stack), vector_distance(a, other));
  EXPECT_TRUE(jarm_vector(std::string(62, '0')).empty());  // no probe answered
  EXPECT_TRUE(jarm_vector("27d40d40d29d40d1dc42d43d00041d").empty());
  EXPECT_TRUE(jarm_vector(std::string(61, 'a') + "g").empty());
}

TEST(FingerprintVector, HostileStringsAreBounded) {
  std::string huge = "771,";
  for (int i = 0; i < 100'000; ++i) huge += std::to_string(i) + "-";
  huge += "1,0,29,0";
  const auto v = ja3_vector("a0e9f5d64349fb13191bc781f81f42e1", huge);
  ASSERT_EQ(v.size(), kFingerprintVectorDim);
  EXPECT_NEAR(length(v), 1.0, 1e-5);
}

}  // namespace
}  // namespace decnet::correlate
