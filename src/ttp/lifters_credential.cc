// Credential lifters: brute force, password guessing, stuffing, valid-account use and default
// credentials (auth_attempt and credential events), and password spraying across the accounts
// of one identity (identity events). The counts they compare come with the event: an
// auth_attempt carries its episode's failures and the passwords tried per account so far
// (AuthEpisodes), a credential event how often the secret was reused.
#include <array>

#include "core/hash.h"
#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

struct Threshold {
  double value;
};

std::optional<json> brute_force(const Threshold& p, const json& payload) {
  const auto fails = number_at(payload, "fail_count");
  if (!fails || *fails < p.value) return std::nullopt;
  json extras = {{"fail_count", static_cast<std::int64_t>(*fails)}};
  if (const auto service = text_at(payload, "service")) extras["service"] = *service;
  return extras;
}

std::optional<json> password_guessing(const Threshold& p, const json& payload) {
  const auto user = text_at(payload, "username");
  const auto passwords = number_at(payload, "password_count");
  if (!user || !passwords || *passwords < p.value) return std::nullopt;
  return json{{"username", *user}, {"password_count", static_cast<std::int64_t>(*passwords)}};
}

std::optional<json> credential_stuffing(const Threshold& p, const json& payload) {
  const auto hash = text_at(payload, "credential_hash");
  const auto reuse = number_at(payload, "reuse_count");
  if (!hash || !reuse || *reuse < std::max(1.0, p.value)) return std::nullopt;
  return json{{"credential_hash", *hash}, {"reuse_count", static_cast<std::int64_t>(*reuse)}};
}

std::optional<json> password_spraying(const Threshold& p, const json& payload) {
  const auto hash = text_at(payload, "shared_password_hash");
  const auto accounts = number_at(payload, "account_count");
  if (!hash || !accounts || *accounts < p.value) return std::nullopt;
  return json{{"shared_password_hash", *hash},
              {"account_count", static_cast<std::int64_t>(*accounts)}};
}

struct ValidAccount {
  bool require_prior_brute;
};

json who_and_where(const json& payload) {
  auto extras = json::object();
  if (const auto user = text_at(payload, "username")) extras["username"] = *user;
  if (const auto service = text_at(payload, "service")) extras["service"] = *service;
  return extras;
}

std::optional<json> valid_account(const ValidAccount& p, const json& payload) {
  if (text_at(payload, "result").value_or("") != "success") return std::nullopt;
  if (p.require_prior_brute && !is_true(payload, "prior_brute")) return std::nullopt;
  return who_and_where(payload);
}

// Pairs are kept as (user, SHA-256 of the password): events carry the hash of what was tried,
// never the password.
struct DefaultPairs {
  std::vector<std::pair<std::string, std::string>> pairs;
};

std::optional<json> default_credentials(const DefaultPairs& p, const json& payload) {
  const auto user = text_at(payload, "username");
  const auto secret = text_at(payload, "password_sha256");
  if (!user || !secret) return std::nullopt;
  for (const auto& [u, hash] : p.pairs) {
    if (u == *user && hash == *secret) return who_and_where(payload);
  }
  return std::nullopt;
}

const std::array kCredentialLifters = {
    LifterEntry{"lifter:credential_brute_force",
                [](const json& m) {
                  return make_lifter(Threshold{param_number(m, "fail_threshold", 5)}, brute_force);
                }},
    LifterEntry{"lifter:credential_password_guessing",
                [](const json& m) {
                  return make_lifter(Threshold{param_number(m, "pw_threshold", 5)},
                                     password_guessing);
                }},
    LifterEntry{"lifter:credential_stuffing",
                [](const json& m) {
                  return make_lifter(Threshold{param_number(m, "reuse_threshold", 1)},
                                     credential_stuffing);
                }},
    LifterEntry{"lifter:credential_valid_account",
                [](const json& m) {
                  return make_lifter(ValidAccount{param_bool(m, "require_prior_brute", true)},
                                     valid_account);
                }},
    LifterEntry{"lifter:credential_default_pair",
                [](const json& m) {
                  DefaultPairs p;
                  const auto it = m.find("pairs");
                  if (it == m.end() || !it->is_array() || it->empty()) {
                    throw LifterParamError("pairs", "must list [user, password] pairs");
                  }
                  for (const auto& pair : *it) {
                    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
                        !pair[1].is_string()) {
                      throw LifterParamError("pairs", "each pair is [user, password]");
                    }
                    p.pairs.emplace_back(pair[0].get<std::string>(),
                                         core::sha256_hex(pair[1].get<std::string>()));
                  }
                  return make_lifter(std::move(p), default_credentials);
                }},
    LifterEntry{"lifter:identity_password_spraying",
                [](const json& m) {
                  return make_lifter(Threshold{param_number(m, "account_threshold", 3)},
                                     password_spraying);
                }},
};

}  // namespace

std::span<const LifterEntry> credential_lifters() {
  return kCredentialLifters;
}

}  // namespace decnet::ttp::lifters
