#include "enrich/intel_config.h"

#include <cctype>

#include "core/text.h"

namespace decnet::enrich {

IntelConfig intel_config(const core::Config& config) {
  IntelConfig c;
  for (auto name : core::split_comma_list(config.intel_providers())) {
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name != "greynoise" && name != "abuseipdb" && name != "threatfox" && name != "feodo") {
      throw core::ConfigError("DECNET_INTEL_PROVIDERS: unknown provider '" + name +
                              "'; known: greynoise, abuseipdb, threatfox, feodo");
    }
    c.providers.push_back(name);
  }
  c.greynoise_key = config.greynoise_api_key();
  c.abuseipdb_key = config.abuseipdb_api_key();
  c.threatfox_key = config.threatfox_api_key();
  c.greynoise_url = config.greynoise_url();
  c.abuseipdb_url = config.abuseipdb_url();
  c.threatfox_url = config.threatfox_url();
  c.feodo_url = config.feodo_url();
  for (auto* url : {&c.greynoise_url, &c.abuseipdb_url, &c.threatfox_url, &c.feodo_url}) {
    while (!url->empty() && url->back() == '/') url->pop_back();
  }
  return c;
}

IntelWorkerOptions intel_worker_options(const core::Config& config) {
  IntelWorkerOptions o;
  o.ttl = std::chrono::hours(config.intel_ttl_hours());
  return o;
}

}  // namespace decnet::enrich
