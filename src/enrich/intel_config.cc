#include "enrich/intel_config.h"

#include <cctype>

namespace decnet::enrich {

IntelConfig intel_config(const core::Config& config) {
  IntelConfig c;
  std::string list = config.str("DECNET_INTEL_PROVIDERS");
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const auto comma = list.find(',', pos);
    auto name = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!name.empty() && name != "greynoise" && name != "abuseipdb" && name != "threatfox" &&
        name != "feodo") {
      throw core::ConfigError("DECNET_INTEL_PROVIDERS: unknown provider '" + name +
                              "'; known: greynoise, abuseipdb, threatfox, feodo");
    }
    if (!name.empty()) c.providers.push_back(name);
    if (comma == std::string::npos) break;
    pos = comma + 1;
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
