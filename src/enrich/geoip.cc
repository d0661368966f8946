#include "enrich/geoip.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "enrich/ip_keys.h"

namespace decnet::enrich {
namespace {

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const auto p = line.find(sep);
    out.push_back(line.substr(0, p));
    if (p == std::string_view::npos) return out;
    line.remove_prefix(p + 1);
  }
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '+')) text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool is_country(std::string_view cc) {
  return cc.size() == 2 && cc != "ZZ" && std::isalpha(static_cast<unsigned char>(cc[0])) &&
         std::isalpha(static_cast<unsigned char>(cc[1]));
}

}  // namespace

std::size_t GeoIpTable::add_delegations(std::string_view text) {
  std::size_t added = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto f = split(line, '|');
    if (f.size() < 7) continue;  // the summary lines
    const auto cc = f[1];
    const auto type = f[2];
    const auto status = f[6];
    if (status != "allocated" && status != "assigned") continue;
    if (!is_country(cc)) continue;
    const CountryCode code{static_cast<char>(std::toupper(static_cast<unsigned char>(cc[0]))),
                           static_cast<char>(std::toupper(static_cast<unsigned char>(cc[1])))};
    const auto start = core::IpAddress::parse(f[3]);
    const auto value = parse_count(f[4]);
    if (!start || !value || *value == 0) continue;
    if (type == "ipv4" && start->is_v4()) {
      const std::uint64_t first = start->v4_value();
      const std::uint64_t last = std::min<std::uint64_t>(first + *value - 1, 0xffffffffULL);
      pending_v4_.push_back(
          {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last), code});
      ++added;
    } else if (type == "ipv6" && start->is_v6() && *value <= 128) {
      const auto len = static_cast<int>(*value);
      const Uint128 first = v6_key(*start);
      const Uint128 host = len == 0 ? ~Uint128(0) : (Uint128(1) << (128 - len)) - 1;
      if (len == 128) {
        pending_v6_.push_back({first, first, code});
      } else {
        pending_v6_.push_back({first & ~host, first | host, code});
      }
      ++added;
    }
  }
  return added;
}

void GeoIpTable::finish() {
  v4_ = IpRangeTable<std::uint32_t, CountryCode>(std::move(pending_v4_));
  v6_ = IpRangeTable<Uint128, CountryCode>(std::move(pending_v6_));
  pending_v4_.clear();
  pending_v6_.clear();
}

GeoIpTable GeoIpTable::load_dir(const std::filesystem::path& dir) {
  GeoIpTable table;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".txt" || !entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      table.add_delegations(buffer.str());
    }
  }
  table.finish();
  return table;
}

std::optional<std::string> GeoIpTable::country(const core::IpAddress& address) const {
  const auto ip = address.unmapped();
  if (!core::is_public(ip)) return std::nullopt;
  const CountryCode* cc = ip.is_v4() ? v4_.find(ip.v4_value()) : v6_.find(v6_key(ip));
  if (!cc) return std::nullopt;
  return std::string(cc->data(), 2);
}

}  // namespace decnet::enrich
