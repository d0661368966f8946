// The credential-reuse index's memory per distinct credential, the figure that grew to 2.1 KB
// (1.44 GB for 600,000 credentials) when every secret kept its strings and sets. Measured with
// jemalloc's own count of allocated bytes, beside the same count for the least any index keyed
// by secret would hold: a hash set of the 600,000 hex digests.

#include <chrono>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_support.h"
#include "core/hash.h"
#include "correlate/credential_reuse_index.h"

namespace {

using namespace decnet;

}  // namespace

int main() {
  constexpr int kCredentials = 600'000;
  std::vector<store::CredentialAttempt> attempts;
  attempts.reserve(kCredentials);
  for (int i = 0; i < kCredentials; ++i) {
    store::CredentialAttempt a;
    a.secret_sha256 = core::sha256_hex("password-" + std::to_string(i));
    a.principal = "user" + std::to_string(i % 1000);
    a.decky_name = "decky-" + std::to_string(i % 50);
    a.service = i % 2 ? "ssh" : "ftp";
    a.attacker_ip = "10.0." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256);
    a.seen_at = i;
    attempts.push_back(std::move(a));
  }
  const correlate::SecretHistory no_history =
      [](const std::string&, const std::string&, const std::optional<std::string>&,
         const std::function<void(const store::Credential&)>&) {};

  const auto before_index = bench::allocated_bytes();
  {
    correlate::CredentialReuseIndex index;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& a : attempts) index.observe(a, no_history);
    const double seconds = bench::seconds_since(start);
    const auto bytes = bench::allocated_bytes() - before_index;
    bench::report("reuse_index_bytes_per_credential", static_cast<double>(bytes) / kCredentials,
                  "B");
    bench::report("reuse_index_observe_rate", kCredentials / seconds, "credentials/s");
  }
  const auto before_set = bench::allocated_bytes();
  {
    std::unordered_set<std::string> digests;
    for (const auto& a : attempts) digests.insert(a.secret_sha256);
    bench::report("reuse_index_bytes_per_credential_hex_digest_set",
                  static_cast<double>(bench::allocated_bytes() - before_set) / kCredentials, "B");
  }
  return 0;
}
