#include "enrich/intel_config.h"

#include <cctype>

#include "core/text.h"

namespace decnet::enrich {

IntelConfig intel_config(const core::Config& config) {
  IntelConfig c;
  for (auto name : core::split_comma_list(config.str("DECNET_INTEL_PROVIDERS"))) {
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name != "greynoise" && name != "abuseipdb" && name != "threatfox" && name != "feodo") {
      throw core::ConfigError("DECNET_INTEL_PROVIDERS: unknown provider '" + name +
                              "'; known: greynoise, abuseipdb, threatfox, feodo");
    }
    c.providers.push_back(name);
  }
  c.greynoise_key = config.str("DECNET_GREYNOISE_API_KEY");
  c.abuseipdb_key = config.str("DECNET_ABUSEIPDB_API_KEY");
  c.threatfox_key = config.str("DECNET_THREATFOX_API_KEY");
  c.greynoise_url = config.str("DECNET_GREYNOISE_URL");
  c.abuseipdb_url = config.str("DECNET_ABUSEIPDB_URL");
  c.threatfox_url = config.str("DECNET_THREATFOX_URL");
  c.feodo_url = config.str("DECNET_FEODO_URL");
  for (auto* url : {&c.greynoise_url, &c.abuseipdb_url, &c.threatfox_url, &c.feodo_url}) {
    while (!url->empty() && url->back() == '/') url->pop_back();
  }
  return c;
}

IntelWorkerOptions intel_worker_options(const core::Config& config) {
  IntelWorkerOptions o;
  o.ttl = std::chrono::hours(config.integer("DECNET_INTEL_TTL_HOURS"));
  return o;
}

}  // namespace decnet::enrich
