// The builders of the services this decky emulates, one file each in this folder.
#pragma once

#include <memory>

#include "decky/net/session.h"
#include "decky/service.h"

namespace decnet::decky {

// A service whose connection is one conversation between a `connect` and a `disconnect` line.
class ConversationService : public Service {
 public:
  boost::asio::awaitable<void> serve(std::shared_ptr<Session> s) final {
    s->emit("connect", {});
    co_await converse(*s);
    s->emit("disconnect", {});
  }

 protected:
  virtual boost::asio::awaitable<void> converse(Session& s) = 0;
};

std::unique_ptr<Service> make_conpot_service(const Persona& persona,
                                             const ServiceSettings& settings);
std::unique_ptr<Service> make_docker_api_service(const Persona& persona,
                                                 const ServiceSettings& settings);
std::unique_ptr<Service> make_elasticsearch_service(const Persona& persona,
                                                    const ServiceSettings& settings);
std::unique_ptr<Service> make_k8s_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_ftp_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_pop3_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_imap_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_smtp_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_smtp_relay_service(const Persona& persona,
                                                 const ServiceSettings& settings);
std::unique_ptr<Service> make_rdp_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_redis_service(const Persona& persona,
                                            const ServiceSettings& settings);
std::unique_ptr<Service> make_ldap_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_mongodb_service(const Persona& persona,
                                              const ServiceSettings& settings);
std::unique_ptr<Service> make_mqtt_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_mssql_service(const Persona& persona,
                                            const ServiceSettings& settings);
std::unique_ptr<Service> make_mysql_service(const Persona& persona,
                                            const ServiceSettings& settings);
std::unique_ptr<Service> make_postgres_service(const Persona& persona,
                                               const ServiceSettings& settings);
std::unique_ptr<DatagramService> make_llmnr_service(const Persona& persona,
                                                    const ServiceSettings& settings);
std::unique_ptr<DatagramService> make_dns_service(const Persona& persona,
                                                  const ServiceSettings& settings);
std::unique_ptr<DatagramService> make_tftp_service(const Persona& persona,
                                                   const ServiceSettings& settings);
std::unique_ptr<DatagramService> make_sip_service(const Persona& persona,
                                                  const ServiceSettings& settings);
std::unique_ptr<DatagramService> make_snmp_service(const Persona& persona,
                                                   const ServiceSettings& settings);
std::unique_ptr<Service> make_smb_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_ssh_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_telnet_service(const Persona& persona,
                                             const ServiceSettings& settings);
std::unique_ptr<Service> make_vnc_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_http_service(const Persona& persona, const ServiceSettings& settings);
std::unique_ptr<Service> make_https_service(const Persona& persona,
                                            const ServiceSettings& settings);

}  // namespace decnet::decky
