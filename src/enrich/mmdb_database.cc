#include "enrich/mmdb_database.h"

#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>

#include "enrich/ip_keys.h"

namespace decnet::enrich {
namespace {

struct Lookup {
  MMDB_lookup_result_s result{};
  int prefix_length = 0;
};

std::optional<Lookup> find(MMDB_s* db, const core::IpAddress& address) {
  const auto ip = address.unmapped();
  if (!core::is_public(ip)) return std::nullopt;
  sockaddr_storage storage{};
  if (ip.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(ip.v4_value());
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, ip.bytes().data(), 16);
  }
  int error = MMDB_SUCCESS;
  Lookup out;
  out.result = MMDB_lookup_sockaddr(db, reinterpret_cast<sockaddr*>(&storage), &error);
  if (error != MMDB_SUCCESS || !out.result.found_entry) return std::nullopt;
  out.prefix_length = out.result.netmask;
  // An IPv4 address in an IPv6 tree sits under ::/96; its prefix counts those bits too.
  if (ip.is_v4() && db->metadata.ip_version == 6) out.prefix_length -= 96;
  return out;
}

std::optional<std::string> text_at(MMDB_entry_s& entry, const char* a, const char* b) {
  MMDB_entry_data_s data{};
  const int status =
      b ? MMDB_get_value(&entry, &data, a, b, nullptr) : MMDB_get_value(&entry, &data, a, nullptr);
  if (status != MMDB_SUCCESS || !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return std::nullopt;
  }
  return std::string(data.utf8_string, data.data_size);
}

}  // namespace

MmdbDatabase::MmdbDatabase(const std::filesystem::path& path) : db_(std::make_unique<MMDB_s>()) {
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db_.get());
  if (status != MMDB_SUCCESS) {
    const std::string why = MMDB_strerror(status);
    db_.reset();
    throw std::runtime_error("cannot open " + path.string() + ": " + why);
  }
}

MmdbDatabase::~MmdbDatabase() {
  if (db_) MMDB_close(db_.get());
}

std::optional<std::string> MmdbDatabase::country(const core::IpAddress& ip) const {
  auto hit = find(db_.get(), ip);
  if (!hit) return std::nullopt;
  auto cc = text_at(hit->result.entry, "country", "iso_code");
  if (!cc) cc = text_at(hit->result.entry, "registered_country", "iso_code");
  if (!cc || cc->size() != 2) return std::nullopt;
  return cc;
}

std::optional<AsnInfo> MmdbDatabase::asn(const core::IpAddress& address) const {
  auto hit = find(db_.get(), address);
  if (!hit) return std::nullopt;
  MMDB_entry_data_s data{};
  if (MMDB_get_value(&hit->result.entry, &data, "autonomous_system_number", nullptr) !=
          MMDB_SUCCESS ||
      !data.has_data || data.type != MMDB_DATA_TYPE_UINT32 || data.uint32 == 0) {
    return std::nullopt;
  }
  AsnInfo info;
  info.asn = data.uint32;
  info.name =
      text_at(hit->result.entry, "autonomous_system_organization", nullptr).value_or(std::string());
  const auto ip = address.unmapped();
  if (const auto prefix = core::IpPrefix::of(ip, hit->prefix_length)) info.prefix = prefix->str();
  return info;
}

}  // namespace decnet::enrich
