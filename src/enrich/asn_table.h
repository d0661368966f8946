// Origin AS of an address, offline, from iptoasn's TSV files (ip2asn-v4.tsv[.gz] and
// ip2asn-v6.tsv[.gz] under <DECNET_ASN_ROOT>; the reference read only v4): each row is an
// announced range with its AS number and name. ASN 0 ("Not routed") rows are skipped, so an
// unannounced address is a miss. A hit also reports the covering prefix: the block of the
// range's minimal CIDR cover that contains the address.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "enrich/ip_range_table.h"

namespace decnet::enrich {

struct AsnInfo {
  std::int64_t asn = 0;
  std::string name;    // empty when the file gives none
  std::string prefix;  // e.g. "8.8.8.0/24"
};

class AsnTable {
 public:
  // Adds the rows of one TSV text; returns how many ranges it added.
  std::size_t add_tsv(std::string_view text);
  // ip2asn-v4 and ip2asn-v6 (.tsv or .tsv.gz) from `dir`; missing files are skipped.
  static AsnTable load_dir(const std::filesystem::path& dir);
  void finish();

  std::optional<AsnInfo> lookup(const core::IpAddress& ip) const;
  std::size_t ranges() const { return v4_.size() + v6_.size(); }

 private:
  struct Origin {
    std::int64_t asn;
    std::uint32_t name;  // index into names_
    Uint128 start;       // the announced range, for the covering prefix
    Uint128 end;
  };
  std::vector<std::string> names_;
  std::vector<Origin> origins_;
  std::vector<IpRangeTable<std::uint32_t, std::uint32_t>::Range> pending_v4_;
  std::vector<IpRangeTable<Uint128, std::uint32_t>::Range> pending_v6_;
  IpRangeTable<std::uint32_t, std::uint32_t> v4_;  // value: index into origins_
  IpRangeTable<Uint128, std::uint32_t> v6_;
};

// Reads a whole file, gunzipping it when its name ends in .gz. Throws std::runtime_error.
std::string read_maybe_gzipped(const std::filesystem::path& path);

}  // namespace decnet::enrich
