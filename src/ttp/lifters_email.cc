// Email lifters: what a mail an attacker sent through an SMTP decky shows — an open relay being
// used, a mass mailing, a phishing kit's mailer, look-alike (punycode) links, a forged sender,
// a booby-trapped attachment, business e-mail compromise wording, an encoded payload.
//
// An email event carries hashes, domains, counts and header names, never addresses or bodies,
// and each tag's evidence is built from those only: the body's hash, the names of the headers
// that gave the rule away, the recipients' domains, the attachments' hashes, the count.
#include <array>
#include <set>

#include "core/hash.h"
#include "ttp/lifter_support.h"

namespace decnet::ttp::lifters {
namespace {

using nlohmann::json;

using Check = std::optional<json> (*)(const json& params, const json& payload,
                                      std::set<std::string>& headers);

std::string domain_of(const std::optional<std::string>& address) {
  if (!address) return {};
  const auto at = address->rfind('@');
  auto domain = at == std::string::npos ? *address : address->substr(at + 1);
  while (!domain.empty() && (domain.back() == '>' || domain.back() == ' ')) domain.pop_back();
  return core::ascii_lower(domain);
}

std::string domain_field(const json& payload, const char* domain_key, const char* address_key) {
  if (auto d = text_at(payload, domain_key)) return core::ascii_lower(*d);
  return domain_of(text_at(payload, address_key));
}

std::int64_t rcpt_count(const json& payload) {
  return static_cast<std::int64_t>(number_at(payload, "rcpt_count").value_or(0));
}

std::optional<json> open_relay(const json& p, const json& payload, std::set<std::string>& h) {
  if (number_at(payload, "rcpt_count").value_or(0) < param_number(p, "rcpt_threshold", 10)) {
    return std::nullopt;
  }
  if (param_bool(p, "require_foreign_from", true)) {
    const auto from = domain_field(payload, "from_domain", "from");
    const auto mail_from = domain_field(payload, "mail_from_domain", "mail_from");
    if (from.empty() || mail_from.empty() || from == mail_from) return std::nullopt;
    h.insert({"From", "Mail-From"});
  }
  return json::object();
}

std::optional<json> mass_phishing(const json& p, const json& payload, std::set<std::string>&) {
  if (number_at(payload, "rcpt_count").value_or(0) < param_number(p, "rcpt_threshold", 25)) {
    return std::nullopt;
  }
  const auto simhash = payload.find("body_simhash");
  if (simhash == payload.end() || !(simhash->is_string() || simhash->is_number_integer()) ||
      (simhash->is_string() && simhash->get_ref<const std::string&>().empty())) {
    return std::nullopt;
  }
  return json::object();
}

std::optional<json> phishing_kit(const json& p, const json& payload, std::set<std::string>& h) {
  const auto mailer = text_at(payload, "x_mailer");
  if (!mailer) return std::nullopt;
  if (const auto kit = text_at(payload, "matched_kit")) {
    h.insert("X-Mailer");
    return json{{"matched_kit", *kit}};
  }
  for (const auto& kit : param_texts(p, "catalog", {})) {
    if (icontains(*mailer, core::ascii_lower(kit))) {
      h.insert("X-Mailer");
      return json{{"matched_kit", kit}};
    }
  }
  if (is_true(payload, "xmailer_kit_match")) {
    h.insert("X-Mailer");
    return json::object();
  }
  return std::nullopt;
}

std::optional<json> idn_homoglyph(const json& p, const json& payload, std::set<std::string>& h) {
  std::string prefix = "xn--";
  if (const auto it = p.find("punycode_prefix"); it != p.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      throw LifterParamError("punycode_prefix", "must be text");
    }
    prefix = core::ascii_lower(it->get<std::string>());
  }
  for (const auto& url : texts_at(payload, "urls")) {
    auto rest = std::string_view(url);
    const auto scheme = rest.find("://");
    if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    const auto end = rest.find_first_of("/?#:");
    const auto host = core::ascii_lower(rest.substr(0, end));
    if (host.find(prefix) == std::string::npos) continue;
    h.insert("body");
    return json{{"matched_url_host", host}};
  }
  return std::nullopt;
}

std::optional<json> sender_masquerade(const json& p, const json& payload,
                                      std::set<std::string>& h) {
  const auto wanted =
      param_texts(p, "signals",
                  {"from_returnpath_mismatch", "from_mailfrom_mismatch", "dkim_fail", "spf_fail"});
  const auto on = [&](const char* s) {
    return std::find(wanted.begin(), wanted.end(), s) != wanted.end();
  };
  const auto from = domain_field(payload, "from_domain", "from");
  const auto return_path = domain_field(payload, "return_path_domain", "return_path");
  const auto mail_from = domain_field(payload, "mail_from_domain", "mail_from");
  auto signals = json::array();
  if (on("from_returnpath_mismatch") && !from.empty() && !return_path.empty() &&
      from != return_path) {
    signals.push_back("from_returnpath_mismatch");
    h.insert({"From", "Return-Path"});
  }
  if (on("from_mailfrom_mismatch") && !from.empty() && !mail_from.empty() && from != mail_from) {
    signals.push_back("from_mailfrom_mismatch");
    h.insert({"From", "Return-Path"});
  }
  if (on("dkim_fail") && is_false(payload, "dkim_signed")) {
    signals.push_back("dkim_fail");
    h.insert("DKIM-Signature");
  }
  if (on("spf_fail") && is_false(payload, "spf_pass")) {
    signals.push_back("spf_fail");
    h.insert("Authentication-Results");
  }
  if (signals.empty()) return std::nullopt;
  return json{{"matched_signals", signals}};
}

std::optional<json> malicious_attachment(const json& p, const json& payload,
                                         std::set<std::string>&) {
  const auto wanted = param_texts(p, "triggers",
                                  {"office_macro", "lnk", "iso", "img", "protected_archive",
                                   "html_smuggling", "mal_hash_match"});
  const auto on = [&](std::string_view s) {
    return std::find(wanted.begin(), wanted.end(), s) != wanted.end();
  };
  const auto hit = [](const char* trigger) { return json{{"matched_trigger", trigger}}; };
  if (on("office_macro") && is_true(payload, "attachment_macros")) return hit("office_macro");
  if (on("protected_archive") && is_true(payload, "attachment_password_protected")) {
    return hit("protected_archive");
  }
  if (on("html_smuggling") && is_true(payload, "html_smuggling")) return hit("html_smuggling");
  if (on("mal_hash_match") && is_true(payload, "mal_hash_match")) return hit("mal_hash_match");
  for (const auto& ext : texts_at(payload, "attachment_extensions")) {
    const auto bare = core::ascii_lower(ext.starts_with('.') ? ext.substr(1) : ext);
    if ((bare == "lnk" || bare == "iso" || bare == "img") && on(bare)) {
      return json{{"matched_trigger", bare}};
    }
  }
  return std::nullopt;
}

std::optional<std::string> first_keyword(const std::string& text,
                                         const std::vector<std::string>& keywords) {
  for (const auto& k : keywords) {
    if (icontains(text, core::ascii_lower(k))) return k;
  }
  return std::nullopt;
}

std::optional<json> bec_pattern(const json& p, const json& payload, std::set<std::string>& h) {
  const auto subject = text_at(payload, "subject");
  const auto body = text_at(payload, "body_text");
  if (!subject || !body) return std::nullopt;
  const auto s = first_keyword(*subject, param_texts(p, "subject_keywords", {}));
  const auto b = first_keyword(*body, param_texts(p, "body_action_keywords", {}));
  if (!s || !b) return std::nullopt;
  h.insert("Subject");
  return json{{"matched_subject_kw", *s}, {"matched_body_kw", *b}};
}

std::optional<json> encoded_payload(const json& p, const json& payload, std::set<std::string>&) {
  const auto bytes = number_at(payload, "body_base64_bytes");
  if (!bytes || *bytes < param_number(p, "min_bytes", 4096)) return std::nullopt;
  return json{{"encoded_byte_count", static_cast<std::int64_t>(*bytes)}};
}

// The evidence every email tag carries, plus what the rule's own check found.
class EmailLifter final : public Lifter {
 public:
  EmailLifter(json params, Check check) : params_(std::move(params)), check_(check) {
    std::set<std::string> headers;
    check_(params_, json::object(), headers);  // a bad parameter is refused at load
  }
  std::vector<Firing> fire(const json& payload) const override {
    std::set<std::string> headers;
    auto found = check_(params_, payload, headers);
    if (!found) return {};
    json evidence = {{"body_sha256", text_at(payload, "body_sha256").value_or("")},
                     {"rcpt_count", rcpt_count(payload)},
                     {"attachment_sha256s", texts_at(payload, "attachment_sha256s")}};
    if (evidence["body_sha256"] == "" && text_at(payload, "body_text")) {
      evidence["body_sha256"] = core::sha256_hex(*text_at(payload, "body_text"));
    }
    std::set<std::string> domains;
    for (const auto& d : texts_at(payload, "rcpt_domains")) domains.insert(core::ascii_lower(d));
    evidence["rcpt_domain_set"] = domains;
    evidence["matched_headers"] = headers;
    evidence.update(*found);
    return {Firing{std::nullopt, 1.0, std::move(evidence)}};
  }

 private:
  json params_;
  Check check_;
};

template <Check C>
std::unique_ptr<Lifter> make_email_lifter(const json& params) {
  return std::make_unique<EmailLifter>(params, C);
}

const std::array kEmailLifters = {
    LifterEntry{"lifter:email_open_relay", make_email_lifter<open_relay>},
    LifterEntry{"lifter:email_mass_phishing", make_email_lifter<mass_phishing>},
    LifterEntry{"lifter:email_phishing_kit", make_email_lifter<phishing_kit>},
    LifterEntry{"lifter:email_idn_homoglyph", make_email_lifter<idn_homoglyph>},
    LifterEntry{"lifter:email_sender_masquerade", make_email_lifter<sender_masquerade>},
    LifterEntry{"lifter:email_malicious_attachment", make_email_lifter<malicious_attachment>},
    LifterEntry{"lifter:email_bec", make_email_lifter<bec_pattern>},
    LifterEntry{"lifter:email_encoded_payload", make_email_lifter<encoded_payload>},
};

}  // namespace

std::span<const LifterEntry> email_lifters() {
  return kEmailLifters;
}

}  // namespace decnet::ttp::lifters
