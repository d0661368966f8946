#include "enrich/table_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "enrich/asn_table.h"
#include "enrich/geoip.h"
#include "enrich/http_fetch.h"

namespace decnet::enrich {
namespace {

void install(const std::filesystem::path& source, const std::filesystem::path& target) {
  std::filesystem::create_directories(target.parent_path());
  const auto tmp = target.string() + ".tmp";
  std::filesystem::copy_file(source, tmp, std::filesystem::copy_options::overwrite_existing);
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(tmp, target);
}

std::string ranges_text(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " range" : " ranges");
}

}  // namespace

std::vector<ImportedFile> import_rir_files(
    const std::vector<std::filesystem::path>& sources, const std::filesystem::path& root,
    const std::function<void(const std::string&)>& progress) {
  std::vector<ImportedFile> out;
  for (const auto& source : sources) {
    GeoIpTable probe;
    const auto ranges = probe.add_delegations(read_maybe_gzipped(source));
    if (ranges == 0) {
      throw std::runtime_error(source.string() + " holds no allocated or assigned IP range");
    }
    auto name = source.filename().string();
    if (source.extension() != ".txt") name += ".txt";
    const auto target = root / name;
    install(source, target);
    out.push_back({target, ranges});
    if (progress) progress(source.string() + ": " + ranges_text(ranges) + " -> " + target.string());
  }
  return out;
}

std::vector<ImportedFile> import_iptoasn_files(
    const std::vector<std::filesystem::path>& sources, const std::filesystem::path& root,
    const std::function<void(const std::string&)>& progress) {
  std::vector<ImportedFile> out;
  for (const auto& source : sources) {
    const auto text = read_maybe_gzipped(source);
    AsnTable probe;
    const auto ranges = probe.add_tsv(text);
    if (ranges == 0) throw std::runtime_error(source.string() + " holds no announced range");
    const auto first_tab = text.find('\t');
    const bool v6 = text.substr(0, first_tab).find(':') != std::string::npos;
    const auto target = root / (std::string(v6 ? "ip2asn-v6" : "ip2asn-v4") +
                                (source.extension() == ".gz" ? ".tsv.gz" : ".tsv"));
    // Only one form of each family may be present: the loader prefers .gz.
    std::error_code ec;
    std::filesystem::remove(root / (std::string(v6 ? "ip2asn-v6" : "ip2asn-v4") +
                                    (source.extension() == ".gz" ? ".tsv" : ".tsv.gz")),
                            ec);
    install(source, target);
    out.push_back({target, ranges});
    if (progress) progress(source.string() + ": " + ranges_text(ranges) + " -> " + target.string());
  }
  return out;
}

std::vector<std::filesystem::path> download_sources(
    const std::vector<std::string>& urls, const std::filesystem::path& dir,
    const std::function<void(const std::string&)>& progress, const DownloadBar& bar) {
  std::vector<std::filesystem::path> out;
  std::filesystem::create_directories(dir);
  for (const auto& url : urls) {
    auto name = url.substr(url.find_last_of('/') + 1);
    name = name.substr(0, name.find('?'));
    if (name.empty() || name == "." || name == "..")
      name = "download-" + std::to_string(out.size());
    if (progress) progress("fetching " + url);
    FetchProgress on_bytes;
    if (bar) on_bytes = [&](std::uint64_t done, std::uint64_t total) { bar(url, done, total); };
    const auto r = http_fetch("GET", url, {}, {}, std::chrono::seconds(120), 256u << 20, on_bytes);
    if (!r.status || *r.status != 200) {
      if (progress) {
        progress(url + ": failed: " + (r.status ? "HTTP " + std::to_string(*r.status) : r.error));
      }
      continue;
    }
    const auto path = dir / name;
    std::ofstream file(path, std::ios::binary);
    file.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
    if (!file) {
      if (progress) progress(url + ": failed: cannot write " + path.string());
      continue;
    }
    if (progress) progress(url + ": " + std::to_string(r.body.size()) + " bytes");
    out.push_back(path);
  }
  return out;
}

std::uint64_t files_signature(const std::filesystem::path& dir) {
  std::uint64_t signature = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const auto name = std::hash<std::string>{}(entry.path().filename().string());
    const auto size = entry.file_size(ec);
    const auto time =
        static_cast<std::uint64_t>(entry.last_write_time(ec).time_since_epoch().count());
    // Order-independent: directory iteration order is unspecified.
    signature += (name * 0x9e3779b97f4a7c15ULL) ^ (size * 0xc2b2ae3d27d4eb4fULL) ^ time;
  }
  return signature;
}

}  // namespace decnet::enrich
