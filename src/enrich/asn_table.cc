#include "enrich/asn_table.h"

#include <zlib.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/text.h"
#include "enrich/ip_keys.h"

namespace decnet::enrich {
namespace {}  // namespace

std::string read_maybe_gzipped(const std::filesystem::path& path) {
  if (path.extension() != ".gz") {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open " + path.string());
  std::string out;
  char buf[1 << 16];
  while (true) {
    const int n = gzread(file, buf, sizeof buf);
    if (n < 0) {
      gzclose(file);
      throw std::runtime_error("corrupt gzip data in " + path.string());
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(file);
  return out;
}

std::size_t AsnTable::add_tsv(std::string_view text) {
  std::unordered_map<std::string, std::uint32_t> name_ids;
  for (std::uint32_t i = 0; i < names_.size(); ++i) name_ids.emplace(names_[i], i);
  std::size_t added = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    std::string_view cols[5];
    std::size_t n = 0;
    std::string_view rest = line;
    while (n < 5) {
      const auto tab = rest.find('\t');
      cols[n++] = rest.substr(0, tab);
      if (tab == std::string_view::npos) break;
      rest.remove_prefix(tab + 1);
    }
    if (n < 3) continue;
    std::int64_t asn = 0;
    const auto asn_text = core::trim(cols[2], " \r");
    const auto [end, ec] = std::from_chars(asn_text.data(), asn_text.data() + asn_text.size(), asn);
    if (ec != std::errc() || end != asn_text.data() + asn_text.size() || asn <= 0) continue;
    const auto first = core::IpAddress::parse(core::trim(cols[0], " \r"));
    const auto last = core::IpAddress::parse(core::trim(cols[1], " \r"));
    if (!first || !last || first->family() != last->family() || *last < *first) continue;
    std::string name(n >= 5 ? core::trim(cols[4], " \r") : std::string_view{});
    auto [it, inserted] = name_ids.emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (inserted) names_.push_back(name);
    const auto origin = static_cast<std::uint32_t>(origins_.size());
    if (first->is_v4()) {
      origins_.push_back({asn, it->second, first->v4_value(), last->v4_value()});
      pending_v4_.push_back({first->v4_value(), last->v4_value(), origin});
    } else {
      origins_.push_back({asn, it->second, v6_key(*first), v6_key(*last)});
      pending_v6_.push_back({v6_key(*first), v6_key(*last), origin});
    }
    ++added;
  }
  return added;
}

void AsnTable::finish() {
  v4_ = IpRangeTable<std::uint32_t, std::uint32_t>(std::move(pending_v4_));
  v6_ = IpRangeTable<Uint128, std::uint32_t>(std::move(pending_v6_));
  pending_v4_.clear();
  pending_v6_.clear();
}

AsnTable AsnTable::load_dir(const std::filesystem::path& dir) {
  AsnTable table;
  for (const char* base : {"ip2asn-v4", "ip2asn-v6"}) {
    for (const char* ext : {".tsv.gz", ".tsv"}) {
      const auto path = dir / (std::string(base) + ext);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec)) continue;
      table.add_tsv(read_maybe_gzipped(path));
      break;
    }
  }
  table.finish();
  return table;
}

std::optional<AsnInfo> AsnTable::lookup(const core::IpAddress& address) const {
  const auto ip = address.unmapped();
  if (!core::is_public(ip)) return std::nullopt;
  const std::uint32_t* origin_index = nullptr;
  if (ip.is_v4()) {
    origin_index = v4_.find(ip.v4_value());
  } else {
    origin_index = v6_.find(v6_key(ip));
  }
  if (!origin_index) return std::nullopt;
  const auto& o = origins_[*origin_index];
  AsnInfo info{o.asn, names_[o.name], {}};
  if (ip.is_v4()) {
    info.prefix = covering_prefix<std::uint32_t>(
        static_cast<std::uint32_t>(o.start), static_cast<std::uint32_t>(o.end), ip.v4_value(), 32);
  } else {
    info.prefix = covering_prefix<Uint128>(o.start, o.end, v6_key(ip), 128);
  }
  return info;
}

}  // namespace decnet::enrich
