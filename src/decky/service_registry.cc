#include "decky/service_registry.h"

#include <algorithm>

#include "core/base64.h"
#include "core/text.h"
#include "decky/services/services.h"

namespace decnet::decky {
namespace {

ServiceConfigField text(std::string key, std::string label, std::string def = {},
                        std::string help = {}) {
  return {std::move(key),
          std::move(label),
          FieldType::kString,
          std::move(def),
          false,
          std::move(help),
          {}};
}

ServiceConfigField secret(std::string key, std::string label, std::string def) {
  return {std::move(key), std::move(label), FieldType::kPassword, std::move(def), true, {}, {}};
}

// Where a service keeps what must survive a restart; decky_config fills the default.
ServiceConfigField state_dir(const std::string& what) {
  return text("state_dir", "State directory", "",
              "where the " + what +
                  " made at the first start are kept; empty: the decky's data "
                  "directory");
}

ServiceConfigField choice(std::string key, std::string label, std::string def,
                          std::vector<std::string> choices, FieldType type = FieldType::kEnum) {
  return {std::move(key), std::move(label), type, std::move(def), false, {}, std::move(choices)};
}

std::vector<ServiceConfigField> shell_fields() {
  return {secret("password", "Root password", "admin"), text("user", "User", "ubuntu"),
          secret("user_password", "User password", "admin"), text("hostname", "Hostname")};
}

std::vector<ServiceConfigField> ssh_fields() {
  auto f = shell_fields();
  f.push_back(
      text("version", "Version", "OpenSSH_9.2p1 Debian-2+deb12u3", "announced after SSH-2.0-"));
  f.push_back(state_dir("host keys"));
  return f;
}

std::vector<ServiceConfigField> http_fields(bool tls) {
  std::vector<ServiceConfigField> f{
      text("server_header", "Server header", "Apache/2.4.62 (Debian)"),
      {"response_code", "Response code", FieldType::kInt, "200", false, {}, {}},
      choice("fake_app", "Fake application", "none",
             {"none", "wordpress", "phpmyadmin", "tomcat", "jenkins"}),
      {"extra_headers", "Extra headers (JSON object)", FieldType::kTextarea, "", false, {}, {}},
      {"custom_body", "Custom body", FieldType::kTextarea, "", false, {}, {}},
      choice("http_versions", "HTTP versions", "http/1.1",
             tls ? std::vector<std::string>{"http/1.1", "http/2", "http/3"}
                 : std::vector<std::string>{"http/1.1", "http/2"},
             FieldType::kMultiEnum)};
  if (tls) {
    f.push_back(text("tls_cn", "TLS common name"));
    f.push_back({"tls_cert", "TLS certificate (PEM)", FieldType::kTextarea, "", true, {}, {}});
    f.push_back({"tls_key", "TLS key (PEM)", FieldType::kTextarea, "", true, {}, {}});
    f.push_back(state_dir("certificate and key"));
  }
  return f;
}

std::vector<ServiceSpec> build_registry() {
  const std::vector<ServiceConfigField> smtp{
      text("banner", "Banner", "", "Greeting text after 220; empty: the MTA's own"),
      choice("mta", "MTA", "postfix", {"postfix", "exim", "sendmail"})};
  auto relay = smtp;
  relay.push_back(text("upstream_host", "Upstream host"));
  relay.push_back({"upstream_port", "Upstream port", FieldType::kInt, "25", false, {}, {}});
  relay.push_back(text("upstream_user", "Upstream user"));
  relay.push_back(secret("upstream_pass", "Upstream password", ""));
  relay.push_back(text("upstream_sender", "Upstream sender"));
  relay.push_back({"probe_limit", "Probe limit", FieldType::kInt, "1", false, {}, {}});
  return {
      {"conpot", {502, 80}, "src", {}, make_conpot_service},
      {"dns",
       {53},
       "src",
       {text("domain", "Domain", "", "answered for with NXDOMAIN; empty: the persona's"),
        text("bind_version", "BIND version", "9.18.28-1~deb12u2-Debian")},
       {},
       make_dns_service},
      {"docker_api",
       {2375, 2376},
       "remote_addr",
       {state_dir("certificate and key")},
       make_docker_api_service},
      {"elasticsearch", {9200}, "remote_addr", {}, make_elasticsearch_service},
      {"ftp", {21}, "src_ip", {text("banner", "Banner", "(vsFTPd 3.0.3)")}, make_ftp_service},
      {"http", {80}, "remote_addr", http_fields(false), make_http_service},
      {"https", {443}, "remote_addr", http_fields(true), make_https_service},
      {"imap",
       {143},
       "src",
       {text("banner", "Banner", "Dovecot (Debian) ready.")},
       make_imap_service},
      {"k8s", {6443, 8080}, "remote_addr", {state_dir("certificate and key")}, make_k8s_service},
      {"ldap", {389}, "src", {}, make_ldap_service},
      {"llmnr", {5355, 5353}, "src", {}, {}, make_llmnr_service},
      {"mongodb",
       {27017},
       "src",
       {text("version", "Version", "6.0.13", "4.4, 5.0, 6.0 or 7.0 and a patch release")},
       make_mongodb_service},
      {"mqtt", {1883}, "src", {}, make_mqtt_service},
      {"mssql", {1433}, "src", {}, make_mssql_service},
      {"mysql",
       {3306},
       "src",
       {text("version", "Version", "8.0.36-0+deb12u1")},
       make_mysql_service},
      {"pop3",
       {110},
       "src",
       {text("banner", "Banner", "Dovecot (Debian) ready.")},
       make_pop3_service},
      {"postgres", {5432}, "src", {}, make_postgres_service},
      {"rdp",
       {3389},
       "src_ip",
       {{"nla",
         "NLA",
         FieldType::kBool,
         "false",
         false,
         "When true a client that cannot do NLA is refused, as Windows refuses it",
         {}},
        state_dir("certificate and key")},
       make_rdp_service},
      {"redis",
       {6379},
       "src",
       {text("version", "Version", "7.0.15"),
        text("os_string", "OS", "Linux 6.1.0-28-amd64 x86_64"),
        {"requirepass",
         "Ask for a password",
         FieldType::kBool,
         "true",
         false,
         "When false every command is answered without AUTH",
         {}}},
       make_redis_service},
      {"sip",
       {5060},
       "src",
       {text("server", "Server header", "Asterisk PBX 20.0.1"),
        text("realm", "Digest realm", "asterisk")},
       {},
       make_sip_service},
      {"smb",
       {445, 139},
       "src_ip",
       {text("workgroup", "Workgroup", "WORKGROUP", "the NetBIOS domain the login names")},
       make_smb_service},
      {"smtp", {25, 587}, "src", smtp, make_smtp_service},
      {"smtp_relay", {25, 587}, "src", relay, make_smtp_relay_service},
      {"snmp",
       {161},
       "src",
       {text("community", "Community answered", "public"),
        text("contact", "sysContact", "Me <me@example.org>"),
        text("location", "sysLocation", "Sitting on the Dock of the Bay")},
       {},
       make_snmp_service},
      {"ssh", {22}, "src_ip", ssh_fields(), make_ssh_service},
      {"telnet", {23}, "src_ip", shell_fields(), make_telnet_service},
      {"tftp", {69}, "src", {}, {}, make_tftp_service},
      {"vnc", {5900}, "src", {}, make_vnc_service},
  };
}

bool one_of(const std::string& v, const std::vector<std::string>& choices) {
  return std::find(choices.begin(), choices.end(), v) != choices.end();
}

std::string validated(const ServiceSpec& spec, const ServiceConfigField& f, const std::string& v) {
  const auto fail = [&](const std::string& why) -> std::string {
    throw ServiceConfigError(spec.name + "." + f.key + ": " + why);
  };
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kPassword:
      return v;
    case FieldType::kTextarea:
      if (v.rfind("b64:", 0) == 0) {
        const auto decoded = core::base64_decode(v.substr(4));
        if (!decoded) return fail("malformed b64: payload");
        return *decoded;
      }
      return v;
    case FieldType::kInt: {
      std::size_t used = 0;
      long long n = 0;
      try {
        n = std::stoll(v, &used);
      } catch (const std::exception&) {
        return fail("expected int");
      }
      if (used != v.size()) return fail("expected int");
      return std::to_string(n);
    }
    case FieldType::kBool: {
      const auto b = core::ascii_lower(v);
      if (b == "true" || b == "1" || b == "yes" || b == "on") return "true";
      if (b == "false" || b == "0" || b == "no" || b == "off") return "false";
      return fail("expected a boolean (true/false, yes/no, on/off, 1/0)");
    }
    case FieldType::kEnum:
      if (!one_of(v, f.choices)) return fail("'" + v + "' is not one of the allowed values");
      return v;
    case FieldType::kMultiEnum: {
      std::vector<std::string> seen;
      std::size_t start = 0;
      while (start <= v.size()) {
        const auto comma = v.find(',', start);
        const std::string item(core::trim(std::string_view(v).substr(
            start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (!item.empty()) {
          if (!one_of(item, f.choices))
            return fail("'" + item + "' is not one of the allowed values");
          if (!one_of(item, seen)) seen.push_back(item);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (seen.empty()) return fail("at least one value is required");
      std::string out;
      for (const auto& s : seen) out += (out.empty() ? "" : ",") + s;
      return out;
    }
  }
  return v;
}

}  // namespace

const std::vector<ServiceSpec>& service_registry() {
  static const std::vector<ServiceSpec> registry = build_registry();
  return registry;
}

const ServiceSpec* find_service(std::string_view name) {
  for (const auto& s : service_registry()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

ServiceSettings validate_service_settings(const ServiceSpec& spec,
                                          const std::map<std::string, std::string>& given) {
  ServiceSettings out;
  for (const auto& f : spec.fields) out[f.key] = f.default_value;
  for (const auto& entry : given) {
    const auto& key = entry.first;
    const auto& value = entry.second;
    const auto it = std::find_if(spec.fields.begin(), spec.fields.end(),
                                 [&](const ServiceConfigField& f) { return f.key == key; });
    if (it == spec.fields.end()) {
      throw ServiceConfigError(spec.name + "." + key + ": unknown setting");
    }
    if (value.empty()) continue;
    out[key] = validated(spec, *it, value);
  }
  return out;
}

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kPassword:
      return "password";
    case FieldType::kInt:
      return "int";
    case FieldType::kBool:
      return "bool";
    case FieldType::kTextarea:
      return "textarea";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kMultiEnum:
      return "multi_enum";
  }
  return "string";
}

}  // namespace decnet::decky
