// Installing the files the offline tables are built from. An import checks that each file
// parses into at least one range before it goes in, writes it next to its final name and
// renames it into place, so a running worker (which reloads when the files change) never reads
// a half-written file and a bad download never replaces a good table.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace decnet::enrich {

struct ImportedFile {
  std::filesystem::path installed;
  std::size_t ranges = 0;
};

// RIR delegated-extended files: installed as <root>/<source file name>, ".txt" added when
// missing. Throws std::runtime_error naming the file that is unreadable or holds no range.
std::vector<ImportedFile> import_rir_files(const std::vector<std::filesystem::path>& sources,
                                           const std::filesystem::path& root,
                                           const std::function<void(const std::string&)>& progress);

// iptoasn TSV files (.tsv or .tsv.gz): installed as ip2asn-v4 or ip2asn-v6 with the source's
// extension, by the address family of their rows.
std::vector<ImportedFile> import_iptoasn_files(
    const std::vector<std::filesystem::path>& sources, const std::filesystem::path& root,
    const std::function<void(const std::string&)>& progress);

// Downloads each URL into `dir` (named after the URL's last path segment) and returns the files
// that arrived; a source that fails is reported through `progress` and skipped. `bar`, when
// given, is called as bytes arrive (url, bytes so far, expected total or 0).
using DownloadBar =
    std::function<void(const std::string& url, std::uint64_t done, std::uint64_t total)>;
std::vector<std::filesystem::path> download_sources(
    const std::vector<std::string>& urls, const std::filesystem::path& dir,
    const std::function<void(const std::string&)>& progress, const DownloadBar& bar = {});

// Where a table's files live: the configured directory, or <data_dir>/<default_name> when it is
// empty (DECNET_GEOIP_ROOT, DECNET_ASN_ROOT).
inline std::filesystem::path table_dir(const std::filesystem::path& configured,
                                       const std::filesystem::path& data_dir,
                                       const char* default_name) {
  return configured.empty() ? data_dir / default_name : configured;
}

// A fingerprint of the regular files of `dir` (names, sizes, modification times; 0 when there
// are none), to notice that tables must be rebuilt.
std::uint64_t files_signature(const std::filesystem::path& dir);

}  // namespace decnet::enrich
