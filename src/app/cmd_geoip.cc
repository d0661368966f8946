// `decnet geoip lookup IP...`: what the enrichment tables say about addresses (country, AS,
// covering prefix), from the files the worker uses. `decnet geoip refresh` and `decnet asn
// refresh` download the sources (DECNET_GEOIP_SOURCES, DECNET_ASN_SOURCES), or take local files
// with --from, check each and install it; a source that fails keeps the installed file. A
// running `decnet serve` notices the new files and swaps in rebuilt tables without pausing
// lookups.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>

#include "app/commands.h"
#include "core/config.h"
#include "core/text.h"
#include "enrich/asn_table.h"
#include "enrich/geoip.h"
#include "enrich/table_files.h"

namespace decnet::app {
namespace {

int lookup(const std::vector<std::string>& ips) {
  const auto config = core::Config::load();
  const auto geoip = enrich::GeoIpTable::load_dir(
      enrich::table_dir(config.geoip_root(), config.data_dir(), "geoip"));
  const auto asn =
      enrich::AsnTable::load_dir(enrich::table_dir(config.asn_root(), config.data_dir(), "asn"));
  int status = 0;
  for (const auto& text : ips) {
    const auto ip = core::IpAddress::parse(text);
    if (!ip) {
      std::cerr << text << ": not an IP address\n";
      status = 1;
      continue;
    }
    const auto cc = geoip.country(*ip);
    const auto as = asn.lookup(*ip);
    if (!cc && !as) {
      std::cout << text << " unknown\n";
      continue;
    }
    std::cout << text;
    if (cc) std::cout << " cc=" << *cc << " source=rir";
    if (as) {
      std::cout << " asn=" << as->asn << " prefix=" << as->prefix;
      if (!as->name.empty()) std::cout << " as_name=\"" << as->name << "\"";
    }
    std::cout << "\n";
  }
  return status;
}

// A one-line bar on standard error while a file downloads, when that is a terminal.
enrich::DownloadBar progress_bar() {
  if (!::isatty(STDERR_FILENO)) return {};
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [last](const std::string&, std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(100) && (total == 0 || done < total)) return;
    *last = now;
    constexpr int kWidth = 30;
    if (total > 0) {
      const auto filled = static_cast<int>(kWidth * done / total);
      std::cerr << "\r  [" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
                << (100 * done / total) << "% " << done / 1024 << " KiB" << std::flush;
    } else {
      std::cerr << "\r  " << done / 1024 << " KiB" << std::flush;
    }
    if (total > 0 && done >= total) std::cerr << "\n";
  };
}

// Installs each file on its own, so one bad source does not stop the others; 1 when any failed.
template <typename Import>
int refresh(const std::vector<std::string>& files, const std::string& source_urls,
            const std::filesystem::path& root, Import import) {
  const auto say = [](const std::string& line) { std::cout << line << "\n" << std::flush; };
  std::vector<std::filesystem::path> sources(files.begin(), files.end());
  std::optional<std::filesystem::path> downloads;
  const auto urls = core::split_comma_list(source_urls);
  if (sources.empty()) {
    downloads =
        std::filesystem::temp_directory_path() / ("decnet-refresh-" + std::to_string(::getpid()));
    sources = enrich::download_sources(urls, *downloads, say, progress_bar());
  }
  std::size_t installed = 0;
  std::size_t ranges = 0;
  for (const auto& source : sources) {
    try {
      for (const auto& f : import({source}, root, say)) {
        ++installed;
        ranges += f.ranges;
      }
    } catch (const std::exception& e) {
      std::cerr << "refresh failed: " << e.what() << " (the installed file is unchanged)\n";
    }
  }
  if (downloads) std::filesystem::remove_all(*downloads);
  const std::size_t wanted = files.empty() ? urls.size() : files.size();
  std::cout << (installed == wanted ? "OK " : "INCOMPLETE ") << installed << " of " << wanted
            << " files, " << ranges << " ranges installed\n";
  return installed == wanted ? 0 : 1;
}

}  // namespace

void add_geoip_command(CLI::App& root, Action& action) {
  auto* geoip = root.add_subcommand("geoip", "Offline country and AS tables");
  geoip->require_subcommand(1);
  auto ips = std::make_shared<std::vector<std::string>>();
  auto* lookup_cmd = geoip->add_subcommand("lookup", "Country, AS and prefix of addresses");
  lookup_cmd->add_option("ip", *ips, "Addresses")->required();
  lookup_cmd->callback([&action, ips] { action = [ips] { return lookup(*ips); }; });

  auto rir_files = std::make_shared<std::vector<std::string>>();
  auto* geo_refresh = geoip->add_subcommand("refresh", "Install RIR delegated-extended files");
  geo_refresh->add_option("--from", *rir_files, "Local delegated files instead of downloading")
      ->check(CLI::ExistingFile);
  geo_refresh->callback([&action, rir_files] {
    action = [rir_files] {
      const auto config = core::Config::load();
      return refresh(*rir_files, config.geoip_sources(),
                     enrich::table_dir(config.geoip_root(), config.data_dir(), "geoip"),
                     enrich::import_rir_files);
    };
  });

  auto* asn = root.add_subcommand("asn", "Offline AS table");
  asn->require_subcommand(1);
  auto tsv_files = std::make_shared<std::vector<std::string>>();
  auto* asn_refresh = asn->add_subcommand("refresh", "Install iptoasn TSV files (.tsv, .tsv.gz)");
  asn_refresh->add_option("--from", *tsv_files, "Local iptoasn files instead of downloading")
      ->check(CLI::ExistingFile);
  asn_refresh->callback([&action, tsv_files] {
    action = [tsv_files] {
      const auto config = core::Config::load();
      return refresh(*tsv_files, config.asn_sources(),
                     enrich::table_dir(config.asn_root(), config.data_dir(), "asn"),
                     enrich::import_iptoasn_files);
    };
  });
}

}  // namespace decnet::app
