// Behavioural lifters: what a whole session (or an HTTP request, or a mail) shows that no single
// command does — regular beacons, destroyed data, a ransom note, bulk reads and uploads, secrets
// fetched from well-known files, a container asked to reach its host, LLMNR poisoning, router
// configurations pulled over TFTP.
#include <array>

#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

struct Beaconing {
  double max_jitter;  // coefficient of variation of the intervals, as a fraction
  double min_interval_s;
};

std::optional<json> beaconing(const Beaconing& p, const json& payload) {
  const auto interval = number_at(payload, "beacon_interval_s");
  const auto jitter = number_at(payload, "beacon_jitter_pct");
  if (!interval || !jitter || *interval < p.min_interval_s || *jitter > p.max_jitter) {
    return std::nullopt;
  }
  return json{{"beacon_interval_s", *interval}, {"beacon_jitter_pct", *jitter}};
}

struct Expressions {
  std::vector<SearchExpression> list;
};

// The text of what was done: an operation's text when the producer gives one, else the commands.
std::optional<std::string> op_text(const json& payload) {
  if (auto op = text_at(payload, "op_text")) return op;
  return text_at(payload, "command_text");
}

std::optional<json> data_destruction(const Expressions& p, const json& payload) {
  const auto text = op_text(payload);
  if (!text) return std::nullopt;
  for (const auto& e : p.list) {
    if (e.found_in(*text)) return json{{"matched_op", e.pattern()}};
  }
  return std::nullopt;
}

bool is_base58(char c) {
  return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'H') || (c >= 'J' && c <= 'N') ||
         (c >= 'P' && c <= 'Z') || (c >= 'a' && c <= 'k') || (c >= 'm' && c <= 'z');
}

bool is_bech32(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

// A Bitcoin address (base58 starting with 1 or 3, 26-35 characters; bech32 bc1...) or a Monero
// one (95 base58 characters starting with 4 then 0-9, A or B), as a whole word of `text`.
std::optional<std::string> wallet_address(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
    const auto word = text.substr(i, j - i);
    i = j == i ? i + 1 : j;
    if (word.size() >= 14 && word.substr(0, 3) == "bc1" && word.size() <= 74 &&
        std::all_of(word.begin(), word.end(), is_bech32)) {
      return std::string(word);
    }
    if (!std::all_of(word.begin(), word.end(), is_base58)) continue;
    if ((word[0] == '1' || word[0] == '3') && word.size() >= 26 && word.size() <= 35) {
      return std::string(word);
    }
    if (word.size() == 95 && word[0] == '4' &&
        ((word[1] >= '0' && word[1] <= '9') || word[1] == 'A' || word[1] == 'B')) {
      return std::string(word);
    }
  }
  return std::nullopt;
}

struct RansomNote {
  bool require_wallet;
  std::vector<std::string> keywords;  // lowercase
};

std::optional<json> ransom_note(const RansomNote& p, const json& payload) {
  auto text = text_at(payload, "body_text");
  if (!text) text = text_at(payload, "note_text");
  if (!text) text = text_at(payload, "command_text");
  if (!text) return std::nullopt;
  auto matched = json::array();
  for (const auto& k : p.keywords) {
    if (icontains(*text, k)) matched.push_back(k);
  }
  if (matched.empty()) return std::nullopt;
  json extras = {{"matched_keywords", matched}};
  const auto wallet = wallet_address(*text);
  if (p.require_wallet && !wallet) return std::nullopt;
  if (wallet) extras["btc_address"] = *wallet;
  return extras;
}

struct Volume {
  double bytes;
  double count;
};

std::optional<json> exfil_over_web(const Volume& p, const json& payload) {
  const auto out = number_at(payload, "bytes_out");
  const auto requests = number_at(payload, "request_count");
  if ((out && *out >= p.bytes) || (requests && *requests >= p.count)) return json::object();
  return std::nullopt;
}

std::optional<json> db_mass_read(const Volume& p, const json& payload) {
  const auto rows = number_at(payload, "rows_read");
  const auto bytes = number_at(payload, "bytes_read");
  if ((rows && *rows >= p.count) || (bytes && *bytes >= p.bytes)) return json::object();
  return std::nullopt;
}

std::optional<json> path_fetch(const Expressions& p, const json& payload) {
  auto path = text_at(payload, "matched_path");
  if (!path) path = text_at(payload, "request_path");
  if (!path) path = text_at(payload, "path");
  if (!path) return std::nullopt;
  for (const auto& e : p.list) {
    if (e.found_in(*path)) return json{{"matched_path", *path}};
  }
  return std::nullopt;
}

struct Signals {
  std::vector<std::string> signals;
};

std::optional<json> docker_escape(const Signals& p, const json& payload) {
  const auto present = texts_at(payload, "signals");
  for (const auto& s : p.signals) {
    if (std::find(present.begin(), present.end(), s) != present.end()) {
      return json{{"matched_signal", s}};
    }
  }
  return std::nullopt;
}

std::optional<json> llmnr_poisoning(const NoParams&, const json& payload) {
  const auto count = number_at(payload, "llmnr_poison_count");
  if (is_true(payload, "llmnr_poisoned") || (count && *count >= 1)) return json::object();
  return std::nullopt;
}

std::optional<json> tftp_config(const Expressions& p, const json& payload) {
  const auto name = text_at(payload, "tftp_filename");
  if (!name) return std::nullopt;
  for (const auto& e : p.list) {
    if (e.found_in(*name)) return json{{"tftp_filename", *name}};
  }
  return std::nullopt;
}

const std::array kBehaviouralLifters = {
    LifterEntry{"lifter:behavioral_beaconing",
                [](const json& m) {
                  return make_lifter(Beaconing{param_number(m, "max_jitter_pct", 0.15),
                                               param_number(m, "min_interval_s", 10)},
                                     beaconing);
                }},
    LifterEntry{"lifter:behavioral_data_destruction",
                [](const json& m) {
                  return make_lifter(Expressions{expressions(m, "patterns", {})}, data_destruction);
                }},
    LifterEntry{"lifter:behavioral_ransom_note",
                [](const json& m) {
                  RansomNote p{param_bool(m, "require_btc_or_xmr", true), {}};
                  for (const auto& k : param_texts(m, "payment_keywords", {})) {
                    p.keywords.push_back(core::ascii_lower(k));
                  }
                  if (p.keywords.empty()) throw LifterParamError("payment_keywords", "is empty");
                  return make_lifter(std::move(p), ransom_note);
                }},
    LifterEntry{"lifter:behavioral_exfil_over_web",
                [](const json& m) {
                  return make_lifter(Volume{param_number(m, "min_payload_bytes", 1048576),
                                            param_number(m, "request_threshold", 50)},
                                     exfil_over_web);
                }},
    LifterEntry{"lifter:behavioral_db_mass_read",
                [](const json& m) {
                  return make_lifter(Volume{param_number(m, "min_bytes", 5242880),
                                            param_number(m, "min_rows", 10000)},
                                     db_mass_read);
                }},
    LifterEntry{"lifter:behavioral_path_fetch",
                [](const json& m) {
                  auto list = expressions(m, "paths", {});
                  if (list.empty()) throw LifterParamError("paths", "is empty");
                  return make_lifter(Expressions{std::move(list)}, path_fetch);
                }},
    LifterEntry{"lifter:behavioral_docker_escape",
                [](const json& m) {
                  return make_lifter(Signals{param_texts(m, "signals", {})}, docker_escape);
                }},
    LifterEntry{"lifter:behavioral_llmnr_poisoning",
                [](const json&) { return make_lifter(NoParams{}, llmnr_poisoning); }},
    LifterEntry{"lifter:behavioral_tftp_config",
                [](const json& m) {
                  auto list = expressions(m, "filename_patterns", {});
                  if (list.empty()) throw LifterParamError("filename_patterns", "is empty");
                  return make_lifter(Expressions{std::move(list)}, tftp_config);
                }},
};

}  // namespace

std::span<const LifterEntry> behavioural_lifters() {
  return kBehaviouralLifters;
}

}  // namespace decnet::ttp::lifters
