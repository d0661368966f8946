// Country of an address, offline, from the five RIRs' delegated-extended statistics files
// (<DECNET_GEOIP_ROOT>/{arin,ripe,apnic,lacnic,afrinic}.txt): IPv4 rows give a start and an
// address count, IPv6 rows a start and a prefix length (the reference ignored IPv6). Only
// allocated and assigned rows with a real country count. Addresses that are not public
// (private, loopback, CGNAT, documentation, ...) never get a country.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "enrich/ip_range_table.h"

namespace decnet::enrich {

using CountryCode = std::array<char, 2>;

class GeoIpTable {
 public:
  // Adds the rows of one delegated file's text; returns how many ranges it added.
  std::size_t add_delegations(std::string_view text);
  // Every *.txt of `dir`; a missing directory yields an empty table.
  static GeoIpTable load_dir(const std::filesystem::path& dir);
  // Builds the lookup structure from what was added; call once, before lookups.
  void finish();

  std::optional<std::string> country(const core::IpAddress& ip) const;
  // The IPv4 fast path (host-order value), for bulk use and benchmarks.
  const CountryCode* country_v4(std::uint32_t ip) const { return v4_.find(ip); }

  std::size_t v4_ranges() const { return v4_.size(); }
  std::size_t v6_ranges() const { return v6_.size(); }

 private:
  std::vector<IpRangeTable<std::uint32_t, CountryCode>::Range> pending_v4_;
  std::vector<IpRangeTable<Uint128, CountryCode>::Range> pending_v6_;
  IpRangeTable<std::uint32_t, CountryCode> v4_;
  IpRangeTable<Uint128, CountryCode> v6_;
};

}  // namespace decnet::enrich
