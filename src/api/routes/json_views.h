// The one place where store rows become API JSON. Keeping every view here means a column is
// named, formatted and (for secrets) withheld the same way on every route that returns it:
// times are RFC 3339 UTC strings, columns that hold JSON text (`fields`, `fingerprints`,
// provider answers) are embedded as JSON values rather than as strings to be parsed twice, and
// secret material never leaves the server except as the printable form the reference shows —
// no password hashes, no base64 of captured secrets.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/credential_repository.h"
#include "store/fingerprint_repository.h"
#include "store/identity_repository.h"
#include "store/intel_repository.h"
#include "store/log_repository.h"
#include "store/page.h"
#include "store/session_repository.h"
#include "store/smtp_target_repository.h"
#include "store/user_repository.h"

namespace decnet::api {

// RFC 3339 UTC with microseconds; null for an absent time.
nlohmann::json time_json(std::int64_t micros_utc);
nlohmann::json time_json(const std::optional<std::int64_t>& micros_utc);
// JSON text as a JSON value. Text that does not parse (which the store never writes) is kept as
// a string rather than dropped.
nlohmann::json embedded_json(std::string_view text);
nlohmann::json embedded_json(const std::optional<std::string>& text);

nlohmann::json to_api_json(const store::LogRow& row);
nlohmann::json to_api_json(const store::HistogramBucket& bucket);
nlohmann::json to_api_json(const store::DeadLetter& row);
nlohmann::json to_api_json(const store::Attacker& attacker);
nlohmann::json to_api_json(const store::TargetActivity& target);
nlohmann::json to_api_json(const store::Credential& credential);
nlohmann::json to_api_json(const store::CredentialReuse& reuse);
nlohmann::json to_api_json(const store::AttackerIntel& intel);
nlohmann::json to_api_json(const store::SmtpTarget& target);
nlohmann::json to_api_json(const store::FingerprintState& state);
nlohmann::json to_api_json(const store::User& user);
nlohmann::json to_api_json(const store::Session& session);
nlohmann::json to_api_json(const store::AttackerBehaviour& behaviour);
nlohmann::json to_api_json(const store::Identity& identity);
nlohmann::json to_api_json(const store::Campaign& campaign);

// A printable preview of raw bytes: printable ASCII kept, every other byte shown as '.',
// at most `max_bytes` of input.
std::string printable_preview(std::string_view bytes, std::size_t max_bytes = 256);

template <typename T>
nlohmann::json array_json(const std::vector<T>& rows) {
  auto out = nlohmann::json::array();
  for (const auto& row : rows) out.push_back(to_api_json(row));
  return out;
}

// The paginated envelope {total, limit, offset, data}.
template <typename T>
nlohmann::json page_json(const store::Page<T>& page) {
  return {{"total", page.total},
          {"limit", page.limit},
          {"offset", page.offset},
          {"data", array_json(page.data)}};
}

}  // namespace decnet::api
