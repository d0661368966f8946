// Authentication building blocks without the database: the hand-written HS256 JWT codec and
// every way a token is refused, the JWT key (environment or generated key file and its mode),
// the password policy and argon2id hashing, the sliding-window limiter and SSE tickets.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "api/auth/jwt.h"
#include "api/auth/passwords.h"
#include "api/auth/rate_limiter.h"
#include "api/auth/secret_key.h"
#include "api/auth/sse_tickets.h"
#include "core/base64.h"
#include "core/config.h"
#include "core/hash.h"
#include "tests_support.h"

namespace decnet::api {
namespace {

using nlohmann::json;

const std::string kJwtSecret = "0123456789abcdef0123456789abcdef-test-key";
constexpr std::int64_t kNow = 1'750'000'000;

JwtClaims claims() {
  return {"11111111-2222-4333-8444-555555555555", "abc123", kNow, kNow + 600};
}

json payload_json() {
  return {{"uuid", "u-1"},     {"jti", "j-1"},    {"iat", kNow},
          {"exp", kNow + 600}, {"iss", "decnet"}, {"aud", "decnet-dashboard"},
          {"typ", "access"}};
}

std::string b64(std::string_view s) {
  return core::base64url_encode(s);
}

// Signs an arbitrary header and payload, to build tokens encode_jwt() would never produce.
std::string forge(const json& header, const json& payload, std::string_view secret = kJwtSecret) {
  std::string input = b64(header.dump()) + "." + b64(payload.dump());
  const auto mac = core::hmac_sha256(secret, input);
  return input + "." + b64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

std::string forge(const json& payload) {
  return forge({{"alg", "HS256"}, {"typ", "JWT"}}, payload);
}

std::optional<JwtError> error_of(std::string_view token, std::int64_t now = kNow) {
  JwtError error{};
  if (verify_jwt(token, kJwtSecret, now, &error)) return std::nullopt;
  return error;
}

TEST(Jwt, RoundTripsAndHasTheFixedHeader) {
  const auto token = encode_jwt(claims(), kJwtSecret);
  const auto verified = verify_jwt(token, kJwtSecret, kNow);
  ASSERT_TRUE(verified);
  EXPECT_EQ(verified->uuid, claims().uuid);
  EXPECT_EQ(verified->jti, "abc123");
  EXPECT_EQ(verified->iat, kNow);
  EXPECT_EQ(verified->exp, kNow + 600);

  const auto dot = token.find('.');
  EXPECT_EQ(*core::base64url_decode(token.substr(0, dot)), R"({"alg":"HS256","typ":"JWT"})");
  const auto second = token.find('.', dot + 1);
  const auto body = json::parse(*core::base64url_decode(token.substr(dot + 1, second - dot - 1)));
  EXPECT_EQ(body["iss"], "decnet");
  EXPECT_EQ(body["aud"], "decnet-dashboard");
  EXPECT_EQ(body["typ"], "access");
  EXPECT_EQ(body["uuid"], claims().uuid);
  EXPECT_FALSE(body.contains("sub"));
  EXPECT_EQ(token.find('='), std::string::npos);
}

TEST(Jwt, ForgedHelperMatchesEncoder) {
  EXPECT_FALSE(error_of(forge(payload_json())).has_value());
}

TEST(Jwt, RejectsSignatureOfAnotherKeyOrAnotherPayload) {
  const auto other_key = encode_jwt(claims(), "another-secret-that-is-long-enough-000");
  EXPECT_EQ(error_of(other_key), JwtError::kBadSignature);

  const auto token = encode_jwt(claims(), kJwtSecret);
  auto tampered_claims = claims();
  tampered_claims.uuid = "00000000-0000-4000-8000-000000000000";
  const auto other = encode_jwt(tampered_claims, kJwtSecret);
  const auto sig = token.substr(token.rfind('.'));
  EXPECT_EQ(error_of(other.substr(0, other.rfind('.')) + sig), JwtError::kBadSignature);

  auto flipped = token;
  flipped[token.rfind('.') + 5] = flipped[token.rfind('.') + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(flipped), JwtError::kBadSignature);
  EXPECT_EQ(error_of(token.substr(0, token.rfind('.') + 1)), JwtError::kBadSignature);
}

TEST(Jwt, RejectsEveryAlgorithmButHs256) {
  const auto payload = b64(payload_json().dump());
  EXPECT_EQ(error_of(b64(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."),
            JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(error_of(b64(R"({"alg":"none"})") + "." + payload + ".c2ln"),
            JwtError::kUnsupportedAlgorithm);
  for (const char* alg : {"none", "None", "hs256", "HS384", "HS512", "RS256", "ES256", ""}) {
    EXPECT_EQ(error_of(forge({{"alg", alg}, {"typ", "JWT"}}, payload_json())),
              JwtError::kUnsupportedAlgorithm)
        << alg;
  }
  EXPECT_EQ(error_of(forge({{"typ", "JWT"}}, payload_json())), JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(error_of(forge({{"alg", 256}}, payload_json())), JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(error_of(forge({{"alg", "HS256"}, {"crit", {"exp"}}}, payload_json())),
            JwtError::kBadHeader);
  EXPECT_EQ(error_of(forge({{"alg", "HS256"}, {"typ", "JOSE+JSON"}}, payload_json())),
            JwtError::kBadHeader);
  EXPECT_FALSE(error_of(forge({{"alg", "HS256"}}, payload_json())).has_value());
}

TEST(Jwt, RejectsWrongIssuerAudienceAndType) {
  auto p = payload_json();
  p["aud"] = "someone-else";
  EXPECT_EQ(error_of(forge(p)), JwtError::kWrongAudience);
  p = payload_json();
  p["aud"] = json::array({"decnet-dashboard"});
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
  p = payload_json();
  p["iss"] = "not-decnet";
  EXPECT_EQ(error_of(forge(p)), JwtError::kWrongIssuer);
  p = payload_json();
  p["typ"] = "refresh";
  EXPECT_EQ(error_of(forge(p)), JwtError::kWrongType);
}

TEST(Jwt, RequiresEveryClaimWithItsType) {
  for (const char* name : {"uuid", "jti", "iat", "exp", "iss", "aud", "typ"}) {
    auto p = payload_json();
    p.erase(name);
    EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim) << name;
  }
  auto p = payload_json();
  p["jti"] = "";
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
  p = payload_json();
  p["exp"] = std::to_string(kNow + 600);
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
  p = payload_json();
  p["exp"] = static_cast<double>(kNow) + 600.5;
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
  p = payload_json();
  p["exp"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
  p = payload_json();
  p["uuid"] = 7;
  EXPECT_EQ(error_of(forge(p)), JwtError::kMissingClaim);
}

TEST(Jwt, ExpiryHasNoLeewayAndIatMayNotBeFarAhead) {
  const auto token = encode_jwt(claims(), kJwtSecret);
  EXPECT_FALSE(error_of(token, kNow + 599).has_value());
  EXPECT_EQ(error_of(token, kNow + 600), JwtError::kExpired);
  EXPECT_EQ(error_of(token, kNow + 10'000), JwtError::kExpired);

  auto future = claims();
  future.iat = kNow + kJwtIatSkewSeconds + 1;
  future.exp = kNow + 6000;
  EXPECT_EQ(error_of(encode_jwt(future, kJwtSecret)), JwtError::kNotYetValid);
  future.iat = kNow + kJwtIatSkewSeconds;
  EXPECT_FALSE(error_of(encode_jwt(future, kJwtSecret)).has_value());

  auto p = payload_json();
  p["nbf"] = kNow + 5;
  EXPECT_EQ(error_of(forge(p)), JwtError::kNotYetValid);
}

TEST(Jwt, RejectsGarbageAndOversizedTokens) {
  for (const std::string garbage : {"", "abc", "a.b", "a.b.c.d", "..", "...", ".e30.c2ln",
                                    "e30..c2ln", "not a token at all", "Bearer x.y.z"}) {
    const auto e = error_of(garbage);
    ASSERT_TRUE(e.has_value()) << garbage;
    EXPECT_TRUE(*e == JwtError::kMalformed || *e == JwtError::kBadEncoding) << garbage;
  }
  EXPECT_EQ(error_of(b64("[1,2]") + "." + b64("{}") + ".c2ln"), JwtError::kMalformed);
  EXPECT_EQ(error_of(b64("{") + "." + b64("{}") + ".c2ln"), JwtError::kMalformed);

  auto p = payload_json();
  p["pad"] = std::string(kMaxJwtBytes, 'x');
  EXPECT_EQ(error_of(forge(p)), JwtError::kTooLarge);
  EXPECT_EQ(error_of(std::string(kMaxJwtBytes + 1, 'a')), JwtError::kTooLarge);
}

// RFC 7515 section 2: base64url without padding, and (our rule) one spelling per value.
TEST(Jwt, Base64urlSegmentsMustBeUnpaddedAndCanonical) {
  const auto token = encode_jwt(claims(), kJwtSecret);
  const auto first = token.find('.');
  const auto last = token.rfind('.');
  const auto header = token.substr(0, first);
  const auto payload = token.substr(first + 1, last - first - 1);
  const auto signature = token.substr(last + 1);
  ASSERT_EQ(signature.size(), 43u);

  EXPECT_EQ(error_of(header + "." + payload + "." + signature + "="), JwtError::kBadEncoding);
  // A padded header: same bytes, a second spelling.
  const auto padded = core::base64_encode(R"({"alg":"HS256","typ":"JWT"})");
  if (padded.back() == '=') {
    EXPECT_EQ(error_of(padded + "." + payload + "." + signature), JwtError::kBadEncoding);
  }
  // Standard-alphabet characters, whitespace and other bytes.
  for (const char bad : {'+', '/', ' ', '\n', '*', '\0'}) {
    auto t = token;
    t[last + 3] = bad;
    EXPECT_EQ(error_of(t), JwtError::kBadEncoding) << static_cast<int>(bad);
  }
  // 32 bytes use 4 of the last symbol's 6 bits; setting an unused bit must not verify.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto v = alphabet.find(signature.back());
  ASSERT_EQ(v & 3u, 0u);
  auto non_canonical = token;
  non_canonical.back() = alphabet[v | 1u];
  EXPECT_EQ(error_of(non_canonical), JwtError::kBadEncoding);
  // A signature of the wrong length.
  EXPECT_EQ(error_of(header + "." + payload + "." + signature.substr(0, 40)),
            JwtError::kBadSignature);
}

TEST(Jwt, ErrorsHaveDistinctTexts) {
  std::set<std::string_view> texts;
  for (int e = 0; e <= static_cast<int>(JwtError::kNotYetValid); ++e) {
    texts.insert(to_string(static_cast<JwtError>(e)));
  }
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(JwtError::kNotYetValid) + 1);
}

mode_t mode_of(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(SecretKey, GeneratesAKeyFileWithMode0600Once) {
  decnet::testing::TempDir dir;
  const auto path = dir / "sub" / "jwt.key";
  const auto key = load_or_create_key_file(path);
  EXPECT_GE(key.size(), kMinJwtSecretBytes);
  EXPECT_EQ(key.size(), 86u);  // base64url of 64 bytes
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(load_or_create_key_file(path), key);
  EXPECT_NE(load_or_create_key_file(dir / "other.key"), key);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "sub")) {
    ++files;
    EXPECT_EQ(e.path().filename(), "jwt.key");
  }
  EXPECT_EQ(files, 1u);
}

TEST(SecretKey, RefusesAKeyFileOthersCanRead) {
  decnet::testing::TempDir dir;
  const auto path = dir / "jwt.key";
  const auto key = load_or_create_key_file(path);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  try {
    load_or_create_key_file(path);
    FAIL() << "a 0644 key file was accepted";
  } catch (const core::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find("0644"), std::string::npos) << what;
    EXPECT_EQ(what.find(key), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_THROW(load_or_create_key_file(path), core::ConfigError);
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_EQ(load_or_create_key_file(path), key);
}

TEST(SecretKey, RefusesSymlinksShortFilesAndDirectories) {
  decnet::testing::TempDir dir;
  const auto real = dir / "real.key";
  load_or_create_key_file(real);
  std::filesystem::create_symlink(real, dir / "link.key");
  EXPECT_THROW(load_or_create_key_file(dir / "link.key"), core::ConfigError);

  const auto short_file = dir / "short.key";
  { std::ofstream(short_file) << "too-short\n"; }
  ::chmod(short_file.c_str(), 0600);
  EXPECT_THROW(load_or_create_key_file(short_file), core::ConfigError);

  std::filesystem::create_directory(dir / "dir.key");
  EXPECT_THROW(load_or_create_key_file(dir / "dir.key"), core::ConfigError);
}

TEST(SecretKey, EnvironmentSecretMustBe32BytesAndIsNeverPrinted) {
  decnet::testing::TempDir dir;
  const std::string weak = "weak-but-31-bytes-long-secret!!";
  ASSERT_EQ(weak.size(), 31u);
  try {
    load_jwt_secret(core::Config::with(
        {{"DECNET_JWT_SECRET", weak}, {"DECNET_DATA_DIR", dir.path().string()}}));
    FAIL() << "a 31-byte secret was accepted";
  } catch (const core::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("DECNET_JWT_SECRET"), std::string::npos);
    EXPECT_EQ(what.find(weak), std::string::npos);
  }
  const std::string good(32, 'k');
  EXPECT_EQ(load_jwt_secret(core::Config::with(
                {{"DECNET_JWT_SECRET", good}, {"DECNET_DATA_DIR", dir.path().string()}})),
            good);
  EXPECT_FALSE(std::filesystem::exists(dir / "jwt.key"));

  const auto generated =
      load_jwt_secret(core::Config::with({{"DECNET_DATA_DIR", dir.path().string()}}));
  EXPECT_TRUE(std::filesystem::exists(dir / "jwt.key"));
  EXPECT_EQ(load_jwt_secret(core::Config::with({{"DECNET_DATA_DIR", dir.path().string()}})),
            generated);
}

TEST(Passwords, PolicyCountsCharactersFrom12To72) {
  EXPECT_TRUE(check_password_policy(std::string(11, 'a')).has_value());
  EXPECT_FALSE(check_password_policy(std::string(12, 'a')).has_value());
  EXPECT_FALSE(check_password_policy(std::string(72, 'a')).has_value());
  EXPECT_TRUE(check_password_policy(std::string(73, 'a')).has_value());
  EXPECT_TRUE(check_password_policy("").has_value());

  std::string e_acute;
  for (int i = 0; i < 12; ++i) e_acute += "\xc3\xa9";
  EXPECT_FALSE(check_password_policy(e_acute).has_value());  // 12 characters, 24 bytes
  std::string euro;
  for (int i = 0; i < 11; ++i) euro += "\xe2\x82\xac";
  EXPECT_TRUE(check_password_policy(euro).has_value());  // 11 characters, 33 bytes
  std::string emoji;
  for (int i = 0; i < 72; ++i) emoji += "\xf0\x9f\x94\x91";
  EXPECT_FALSE(check_password_policy(emoji).has_value());  // 72 characters, 288 bytes
  EXPECT_TRUE(check_password_policy(emoji + "x").has_value());

  const auto message = check_password_policy("short");
  ASSERT_TRUE(message);
  EXPECT_NE(message->find("12"), std::string::npos);
  EXPECT_NE(message->find("72"), std::string::npos);
}

TEST(Passwords, PolicyRejectsInvalidUtf8AndControlCharacters) {
  EXPECT_TRUE(check_password_policy("abcdefghijk\xff").has_value());
  EXPECT_TRUE(check_password_policy("abcdefghijk\xc3").has_value());          // truncated
  EXPECT_TRUE(check_password_policy("abcdefghijk\xc0\xaf").has_value());      // overlong
  EXPECT_TRUE(check_password_policy("abcdefghijk\xed\xa0\x80").has_value());  // surrogate
  EXPECT_TRUE(check_password_policy(std::string("abcdefghijk\0l", 13)).has_value());
  EXPECT_TRUE(check_password_policy("abcdefghijk\nl").has_value());
  EXPECT_TRUE(check_password_policy("abcdefghijk\x7fl").has_value());
  EXPECT_FALSE(check_password_policy("correct horse battery").has_value());
}

TEST(Passwords, UsernamePolicy) {
  EXPECT_FALSE(check_username_policy("admin").has_value());
  EXPECT_FALSE(check_username_policy("j.doe-2@corp_x").has_value());
  EXPECT_TRUE(check_username_policy("").has_value());
  EXPECT_TRUE(check_username_policy("two words").has_value());
  EXPECT_TRUE(check_username_policy("adm\xd1\x96n").has_value());
  EXPECT_TRUE(check_username_policy(std::string(kMaxUsernameBytes + 1, 'a')).has_value());
  EXPECT_FALSE(check_username_policy(std::string(kMaxUsernameBytes, 'a')).has_value());
}

TEST(Passwords, Argon2idHashVerifiesAndIsSalted) {
  const auto hash = hash_password("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(hash, ""));
  EXPECT_NE(hash_password("correct horse battery staple"), hash);
  EXPECT_FALSE(password_needs_rehash(hash));

  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$2b$12$not-a-bcrypt-hash-we-accept", "x"));
  EXPECT_TRUE(password_needs_rehash("$2b$12$abcdefghijklmnopqrstuv"));
  EXPECT_TRUE(password_needs_rehash(""));
  // Weaker argon2id parameters than ours (t=1, m=8 MiB).
  EXPECT_TRUE(
      password_needs_rehash("$argon2id$v=19$m=8192,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                            "c29tZWhhc2hzb21laGFzaHNvbWVoYXNoc29tZWhhc2g"));
}

TEST(Passwords, GeneratedPasswordsAreUnambiguousAndPassThePolicy) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto p = generate_password();
    EXPECT_EQ(p.size(), kGeneratedPasswordChars);
    EXPECT_FALSE(check_password_policy(p).has_value());
    EXPECT_EQ(p.find_first_of("0O1lIo"), std::string::npos) << p;
    for (const char c : p) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

struct FakeSteadyClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
  MonotonicClock fn() {
    return [this] { return now; };
  }
};

TEST(RateLimiter, SlidingWindowWithRetryAfter) {
  FakeSteadyClock clock;
  SlidingWindowLimiter limiter({3, std::chrono::seconds(60), 100, true, clock.fn()});
  EXPECT_TRUE(limiter.hit("k").allowed);
  clock.now += std::chrono::seconds(10);
  EXPECT_TRUE(limiter.hit("k").allowed);
  EXPECT_TRUE(limiter.hit("k").allowed);
  const auto refused = limiter.hit("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 50);  // the first hit leaves the window at t=60
  EXPECT_TRUE(limiter.hit("other").allowed);

  clock.now += std::chrono::milliseconds(49'500);
  EXPECT_EQ(limiter.hit("k").retry_after_seconds, 1);  // rounded up
  clock.now += std::chrono::milliseconds(500);
  EXPECT_TRUE(limiter.hit("k").allowed);  // one slot freed
  EXPECT_FALSE(limiter.hit("k").allowed);
  EXPECT_EQ(limiter.peek("k").retry_after_seconds, 10);
}

TEST(RateLimiter, RefusedHitsAreNotCountedAndResetForgets) {
  FakeSteadyClock clock;
  SlidingWindowLimiter limiter({2, std::chrono::seconds(10), 100, true, clock.fn()});
  limiter.hit("k");
  limiter.hit("k");
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(limiter.hit("k").allowed);
  clock.now += std::chrono::seconds(10);
  EXPECT_TRUE(limiter.hit("k").allowed);
  limiter.reset("k");
  EXPECT_TRUE(limiter.hit("k").allowed);
  EXPECT_TRUE(limiter.hit("k").allowed);
  EXPECT_FALSE(limiter.peek("k").allowed);
}

TEST(RateLimiter, MemoryIsBounded) {
  FakeSteadyClock clock;
  SlidingWindowLimiter limiter({2, std::chrono::seconds(10), 4, true, clock.fn()});
  for (int i = 0; i < 1000; ++i) limiter.hit("key-" + std::to_string(i));
  EXPECT_LE(limiter.key_count(), 4u);
  // The most recent keys are the ones kept.
  limiter.hit("key-999");
  EXPECT_FALSE(limiter.hit("key-999").allowed);

  clock.now += std::chrono::seconds(11);
  limiter.hit("fresh");
  EXPECT_LE(limiter.key_count(), 4u);
}

TEST(RateLimiter, DisabledAllowsEverything) {
  SlidingWindowLimiter limiter({1, std::chrono::seconds(60), 10, false, {}});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.hit("k").allowed);
  EXPECT_EQ(limiter.key_count(), 0u);
}

Principal principal(std::string uuid = "u-1") {
  Principal p;
  p.user_uuid = std::move(uuid);
  p.username = "alice";
  p.role = Role::kAdmin;
  p.jti = "j";
  p.expires_at = kNow + 100;
  return p;
}

TEST(SseTickets, SingleUseOpaqueAndLongEnough) {
  FakeSteadyClock clock;
  SseTicketStore store({std::chrono::seconds(60), 100, 16, clock.fn()});
  const auto ticket = store.issue(principal());
  ASSERT_TRUE(ticket);
  EXPECT_EQ(ticket->expires_in, 60);
  EXPECT_EQ(ticket->ticket.find('.'), std::string::npos);
  const auto raw = core::base64url_decode(ticket->ticket);
  ASSERT_TRUE(raw);
  EXPECT_GE(raw->size(), 32u);

  const auto redeemed = store.redeem(ticket->ticket);
  ASSERT_TRUE(redeemed);
  EXPECT_EQ(redeemed->user_uuid, "u-1");
  EXPECT_EQ(redeemed->role, Role::kAdmin);
  EXPECT_FALSE(store.redeem(ticket->ticket));
  EXPECT_FALSE(store.redeem(""));
  EXPECT_FALSE(store.redeem("not-a-ticket"));
  EXPECT_NE(store.issue(principal())->ticket, ticket->ticket);
}

TEST(SseTickets, ExpireAfterSixtySecondsAndExpiredOnesAreSwept) {
  FakeSteadyClock clock;
  SseTicketStore store({std::chrono::seconds(60), 100, 16, clock.fn()});
  const auto a = store.issue(principal());
  const auto b = store.issue(principal("u-2"));
  clock.now += std::chrono::seconds(59);
  EXPECT_TRUE(store.redeem(a->ticket));
  clock.now += std::chrono::seconds(1);
  EXPECT_FALSE(store.redeem(b->ticket));
  EXPECT_EQ(store.size(), 0u);
}

TEST(SseTickets, StoreIsBoundedPerUserAndInAll) {
  FakeSteadyClock clock;
  SseTicketStore store({std::chrono::seconds(60), 5, 2, clock.fn()});
  const auto first = store.issue(principal("a"));
  clock.now += std::chrono::milliseconds(1);
  const auto second = store.issue(principal("a"));
  clock.now += std::chrono::milliseconds(1);
  const auto third = store.issue(principal("a"));
  EXPECT_FALSE(store.redeem(first->ticket));  // the user's oldest made room
  EXPECT_TRUE(store.redeem(second->ticket));
  EXPECT_TRUE(store.redeem(third->ticket));

  for (const char* user : {"b", "c", "d", "e", "f"}) ASSERT_TRUE(store.issue(principal(user)));
  EXPECT_FALSE(store.issue(principal("g")));  // full of live tickets
  clock.now += std::chrono::seconds(60);
  EXPECT_TRUE(store.issue(principal("g")));  // the expired ones were swept
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace decnet::api
