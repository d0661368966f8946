#include "ingest/tag_inputs.h"

#include <algorithm>
#include <charconv>

#include "ingest/ingest_batch.h"
#include "ingest/profile_extractor.h"

namespace decnet::ingest {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxRequestTextBytes = 8192;
constexpr std::size_t kMaxMailUrls = 64;

const std::string* field(const NormalizedEvent& e, std::string_view name) {
  const auto* value = e.field(name);
  return value && !value->empty() ? value : nullptr;
}

std::string bounded(std::string_view text, std::size_t limit) {
  return std::string(text.substr(0, limit));
}

bool is_http_service(std::string_view service) {
  return service == "http" || service == "https" || service == "k8s" || service == "docker_api" ||
         service == "elasticsearch";
}

// What a container-create body asks of the host, as the docker-escape rule names it.
nlohmann::json container_signals(std::string_view body) {
  std::string compact;
  for (const char c : body) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') compact.push_back(c);
  }
  auto signals = nlohmann::json::array();
  if (compact.find("\"Privileged\":true") != std::string::npos)
    signals.push_back("privileged:true");
  if (compact.find("\"/:/") != std::string::npos) signals.push_back("bind:/:/");
  if (compact.find("\"/etc:") != std::string::npos ||
      compact.find("\"/etc/") != std::string::npos) {
    signals.push_back("bind:/etc");
  }
  if (compact.find("/var/run/docker.sock") != std::string::npos) {
    signals.push_back("bind:/var/run/docker.sock");
  }
  return signals;
}

void collect_http_request(const NormalizedEvent& e, IngestBatch& batch) {
  const auto* path = field(e, "path");
  const auto* method = field(e, "method");
  if (!path || !method || !is_http_service(e.service)) return;
  ttp::TagEvent t;
  t.source_kind = "http_request";
  t.decky_id = e.decky;
  t.at = e.timestamp;
  const auto url = bounded(*path, kMaxUrlBytes);
  const auto query = url.find('?');
  const auto* headers = field(e, "headers");
  const auto* body = field(e, "body");
  auto& p = t.payload;
  p["service"] = e.service;
  p["method"] = bounded(*method, 16);
  p["raw_url"] = url;
  p["request_path"] = url.substr(0, query);
  p["op_text"] = p["method"].get<std::string>() + " " + url;
  if (headers) {
    if (auto agent = user_agent_in(*headers); !agent.empty()) p["user_agent"] = std::move(agent);
  }
  // What an injection may hide in: the URL, the headers, the body. Searched, never stored.
  std::string text = url;
  if (headers) text.append("\n").append(*headers);
  if (body) text.append("\n").append(*body);
  p["request_text"] = bounded(text, kMaxRequestTextBytes);
  if (body) {
    if (auto signals = container_signals(*body); !signals.empty())
      p["signals"] = std::move(signals);
  }
  batch.tag_events.push_back({*e.attacker_ip, batch.logs.size() - 1, std::move(t)});
}

void collect_auth_attempt(const NormalizedEvent& e, const store::CredentialAttempt& a,
                          IngestBatch& batch) {
  ttp::TagEvent t;
  t.source_kind = "auth_attempt";
  t.decky_id = e.decky;
  t.at = e.timestamp;
  t.payload = {{"service", a.service},
               {"password_sha256", a.secret_sha256},
               {"secret_kind", a.secret_kind},
               {"result", a.outcome.value_or("unknown")}};
  if (a.principal) t.payload["username"] = *a.principal;
  batch.tag_events.push_back({*e.attacker_ip, std::nullopt, std::move(t)});
}

// The fingerprint socket's JA4H of an HTTP request (http_request_fingerprint lines).
void collect_http_fingerprint(const NormalizedEvent& e, IngestBatch& batch) {
  if (e.event_type != "http_request_fingerprint") return;
  const auto* ja4h = field(e, "ja4h");
  if (!ja4h) return;
  ttp::TagEvent t;
  t.source_kind = "http_fingerprint";
  t.decky_id = e.decky;
  t.at = e.timestamp;
  t.payload = {{"ja4h", bounded(*ja4h, 128)}};
  if (const auto* protocol = field(e, "protocol")) t.payload["protocol"] = bounded(*protocol, 8);
  batch.tag_events.push_back({*e.attacker_ip, batch.logs.size() - 1, std::move(t)});
}

void collect_fingerprint(const NormalizedEvent& e, IngestBatch& batch) {
  const std::string* hash = nullptr;
  std::string kind;
  if (e.event_type == "jarm_fingerprint") {
    kind = "jarm";
    hash = field(e, "jarm_hash");
  } else if (e.event_type == "hassh_fingerprint") {
    kind = "hassh";
    hash = field(e, "hassh_server");
  } else if ((hash = field(e, "ja3")) != nullptr) {
    kind = "ja3";
  } else if ((hash = field(e, "hassh")) != nullptr) {
    kind = "hassh";
  }
  if (!hash) return;
  ttp::TagEvent t;
  t.source_kind = "fingerprint";
  t.decky_id = e.decky;
  t.at = e.timestamp;
  t.payload = {{"fingerprint_kind", kind}, {"fingerprint", bounded(*hash, 256)}};
  if (const auto* port = field(e, "target_port")) t.payload["port"] = bounded(*port, 8);
  batch.tag_events.push_back({*e.attacker_ip, std::nullopt, std::move(t)});
}

// The domain of the first address in `text` (after its '@'), lowercased, without outer dots.
std::optional<std::string> domain_in(const std::string* text) {
  if (!text) return std::nullopt;
  const auto at = text->find('@');
  if (at == std::string::npos) return std::nullopt;
  std::string domain;
  for (auto i = at + 1; i < text->size() && domain.size() < 253; ++i) {
    const auto c = static_cast<unsigned char>((*text)[i]);
    if (!(std::isalnum(c) || c == '.' || c == '-')) break;
    domain.push_back(static_cast<char>(std::tolower(c)));
  }
  while (!domain.empty() && domain.front() == '.') domain.erase(domain.begin());
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (domain.empty()) return std::nullopt;
  return domain;
}

nlohmann::json optional_json(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

bool flag(const std::string* text) {
  if (!text) return false;
  if (*text == "1" || *text == "true" || *text == "True" || *text == "yes") return true;
  double n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  return ec == std::errc() && end == text->data() + text->size() && n != 0;
}

std::int64_t integer(const std::string* text) {
  if (!text) return 0;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  return ec == std::errc() && end == text->data() + text->size() ? n : 0;
}

// A manifest entry's field; the manifest is the attacker's mail, so a wrong type is absent.
bool is_true(const nlohmann::json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_boolean() && it->get<bool>();
}

std::string text_of(const nlohmann::json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

// A TFTP request is a session of one packet: the file it names is what the configuration-theft
// rule reads.
void collect_tftp_request(const NormalizedEvent& e, IngestBatch& batch) {
  if (e.service != "tftp" || (e.event_type != "read_request" && e.event_type != "write_request"))
    return;
  const auto* filename = field(e, "filename");
  if (!filename) return;
  ttp::TagEvent t;
  t.source_kind = "session";
  t.decky_id = e.decky;
  t.at = e.timestamp;
  t.payload = {{"service", "tftp"}, {"tftp_filename", bounded(*filename, 255)}};
  batch.tag_events.push_back({*e.attacker_ip, batch.logs.size() - 1, std::move(t)});
}

void collect_tag_events(const NormalizedEvent& e, const store::CredentialAttempt* credential,
                        IngestBatch& batch) {
  if (!e.attacker_ip) return;
  if (credential) collect_auth_attempt(e, *credential, batch);
  collect_tftp_request(e, batch);
  collect_http_request(e, batch);
  collect_http_fingerprint(e, batch);
  collect_fingerprint(e, batch);
}

std::optional<nlohmann::json> email_received_payload(const NormalizedEvent& e) {
  if (e.event_type != "message_stored" || !e.attacker_ip) return std::nullopt;
  const auto* stored_as = field(e, "stored_as");
  const auto* msg_id = field(e, "msg_id");
  if (!stored_as && !msg_id) return std::nullopt;
  nlohmann::json p;
  p["source_id"] = bounded(msg_id ? *msg_id : *stored_as, 256);
  p["attacker_ip"] = *e.attacker_ip;
  p["decky_id"] = e.decky;
  p["service"] = e.service;
  if (const auto* subject = field(e, "subject")) p["subject"] = bounded(*subject, 512);
  p["from_domain"] = optional_json(domain_in(field(e, "from_hdr")));
  p["mail_from_domain"] = optional_json(domain_in(field(e, "mail_from")));
  p["return_path_domain"] = optional_json(domain_in(field(e, "return_path")));
  std::int64_t rcpt = 0;
  auto domains = nlohmann::json::array();
  if (const auto* to = field(e, "rcpt_to")) {
    std::size_t i = 0;
    while (i < to->size()) {
      while (i < to->size() &&
             ((*to)[i] == ',' || std::isspace(static_cast<unsigned char>((*to)[i]))))
        ++i;
      auto j = i;
      while (j < to->size() && (*to)[j] != ',' &&
             !std::isspace(static_cast<unsigned char>((*to)[j])))
        ++j;
      if (j > i) {
        ++rcpt;
        const std::string address = to->substr(i, j - i);
        if (auto d = domain_in(&address);
            d && domains.size() < 256 &&
            std::find(domains.begin(), domains.end(), *d) == domains.end()) {
          domains.push_back(*d);
        }
      }
      i = j;
    }
  }
  p["rcpt_count"] = rcpt;
  p["rcpt_domains"] = std::move(domains);
  const auto* mailer = field(e, "x_mailer");
  p["x_mailer"] = mailer ? nlohmann::json(bounded(*mailer, 256)) : nlohmann::json(nullptr);
  if (e.field("dkim_signed")) p["dkim_signed"] = flag(e.field("dkim_signed"));
  if (e.field("spf_pass")) p["spf_pass"] = flag(e.field("spf_pass"));
  auto urls = nlohmann::json::array();
  if (const auto* list = field(e, "urls_json")) {
    const auto parsed = nlohmann::json::parse(*list, nullptr, false);
    if (parsed.is_array()) {
      for (const auto& u : parsed) {
        if (u.is_string() && urls.size() < kMaxMailUrls)
          urls.push_back(bounded(u.get<std::string>(), kMaxUrlBytes));
      }
    }
  }
  p["urls"] = std::move(urls);
  p["attachment_count"] = integer(field(e, "attachment_count"));
  auto hashes = nlohmann::json::array();
  auto extensions = nlohmann::json::array();
  bool macros = false, encrypted = false;
  if (const auto* manifest = field(e, "attachments_json")) {
    const auto parsed = nlohmann::json::parse(*manifest, nullptr, false);
    if (parsed.is_array()) {
      for (const auto& item : parsed) {
        if (!item.is_object()) continue;
        const auto sha = text_of(item, "sha256");
        if (sha.size() == 64) hashes.push_back(sha);
        const auto name = text_of(item, "filename");
        const auto dot = name.rfind('.');
        if (dot != std::string::npos && dot > 0 && dot + 1 < name.size() &&
            name.size() - dot <= 16) {
          std::string ext = name.substr(dot);
          for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (std::find(extensions.begin(), extensions.end(), ext) == extensions.end()) {
            extensions.push_back(ext);
          }
        }
        macros = macros || is_true(item, "macro_indicator");
        encrypted = encrypted || is_true(item, "encrypted");
      }
    }
  }
  p["attachment_sha256s"] = std::move(hashes);
  p["attachment_extensions"] = std::move(extensions);
  p["attachment_macros"] = macros;
  p["attachment_password_protected"] = encrypted;
  p["html_smuggling"] = flag(e.field("html_smuggling"));
  p["body_simhash"] = bounded(field(e, "body_simhash") ? *field(e, "body_simhash") : "", 32);
  p["body_base64_bytes"] = integer(field(e, "body_base64_bytes"));
  p["stored_as"] = stored_as ? nlohmann::json(bounded(*stored_as, 512)) : nlohmann::json(nullptr);
  p["body_sha256"] = bounded(field(e, "sha256") ? *field(e, "sha256") : "", 64);
  return p;
}

std::optional<nlohmann::json> smtp_probe_payload(const NormalizedEvent& e) {
  if (e.service != "smtp_relay" || e.event_type != "message_stored" || !e.attacker_ip) {
    return std::nullopt;
  }
  const auto* stored_as = field(e, "stored_as");
  const auto* msg_id = field(e, "msg_id");
  if (!stored_as && !msg_id) return std::nullopt;
  const auto text = [&](const char* name) {
    const auto* v = field(e, name);
    return v ? bounded(*v, 4096) : std::string();
  };
  return nlohmann::json{{"decky", e.decky},
                        {"attacker_ip", *e.attacker_ip},
                        {"stored_as", bounded(stored_as ? *stored_as : *msg_id, 256)},
                        {"mail_from", text("mail_from")},
                        {"rcpt_to", text("rcpt_to")}};
}

}  // namespace decnet::ingest
