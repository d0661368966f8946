// A MaxMind-format database (.mmdb: GeoLite2/GeoIP2 Country or ASN, DB-IP, ipinfo and the like)
// read through libmaxminddb, as the alternative source of countries (DECNET_GEOIP_MMDB) and
// AS numbers (DECNET_ASN_MMDB) to the RIR and iptoasn files. The file is memory-mapped and only
// read, so lookups from several threads need no lock.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/ip.h"
#include "enrich/asn_table.h"

struct MMDB_s;

namespace decnet::enrich {

class MmdbDatabase {
 public:
  // Throws std::runtime_error naming the file when it cannot be opened or is not an mmdb.
  explicit MmdbDatabase(const std::filesystem::path& path);
  ~MmdbDatabase();
  MmdbDatabase(const MmdbDatabase&) = delete;
  MmdbDatabase& operator=(const MmdbDatabase&) = delete;

  // country.iso_code (falling back to registered_country.iso_code); nothing for non-public
  // addresses.
  std::optional<std::string> country(const core::IpAddress& ip) const;
  // autonomous_system_number / _organization and the network the answer covers.
  std::optional<AsnInfo> asn(const core::IpAddress& ip) const;

 private:
  std::unique_ptr<MMDB_s> db_;
};

}  // namespace decnet::enrich
