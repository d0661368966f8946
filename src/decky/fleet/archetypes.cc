#include "decky/fleet/archetypes.h"

namespace decnet::decky {

const std::vector<Archetype>& archetypes() {
  static const std::vector<Archetype> all{
      {"linux-server",
       "Linux server",
       "A Debian host reached over SSH with a web site",
       {"ssh", "http"},
       "linux"},
      {"web-server",
       "Web server",
       "Apache over HTTP and HTTPS, administered over SSH",
       {"http", "https", "ssh"},
       "linux"},
      {"mail-server",
       "Mail server",
       "Postfix and Dovecot: SMTP, IMAP and POP3",
       {"smtp", "imap", "pop3"},
       "linux"},
      {"database-server",
       "Database server",
       "MySQL, PostgreSQL and Redis on one host",
       {"mysql", "postgres", "redis"},
       "linux"},
      {"file-server",
       "File server",
       "Shares over SMB and FTP, administered over SSH",
       {"smb", "ftp", "ssh"},
       "linux"},
      {"windows-workstation",
       "Windows workstation",
       "SMB and Remote Desktop",
       {"smb", "rdp"},
       "windows"},
      {"domain-controller",
       "Domain controller",
       "LDAP, DNS, SMB and Remote Desktop",
       {"ldap", "dns", "smb", "rdp"},
       "windows_server"},
      {"devops-node",
       "DevOps node",
       "The Docker Engine API, Kubernetes and Elasticsearch",
       {"docker_api", "k8s", "elasticsearch"},
       "linux"},
      {"iot-device",
       "IoT device",
       "A camera or router: telnet, a web page and SNMP",
       {"telnet", "http", "snmp"},
       "embedded"},
      {"industrial-plc",
       "Industrial PLC",
       "A Siemens PLC on Modbus/TCP with SNMP",
       {"conpot", "snmp"},
       "embedded"},
      {"voip-pbx",
       "VoIP PBX",
       "An Asterisk PBX with its web panel",
       {"sip", "http", "ssh"},
       "linux"},
  };
  return all;
}

const Archetype* find_archetype(std::string_view slug) {
  for (const auto& a : archetypes()) {
    if (a.slug == slug) return &a;
  }
  return nullptr;
}

}  // namespace decnet::decky
