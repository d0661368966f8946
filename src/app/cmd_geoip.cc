// `decnet geoip lookup IP...`: what the enrichment tables say about addresses (country, AS,
// covering prefix), from the files the worker uses. `decnet geoip refresh --from FILE...` and
// `decnet asn refresh --from FILE...`: check and install RIR delegated files or iptoasn TSV
// files; a running `decnet serve` notices the new files and swaps in rebuilt tables without
// pausing lookups.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "core/config.h"
#include "enrich/asn_table.h"
#include "enrich/geoip.h"
#include "enrich/table_files.h"

namespace decnet::app {
namespace {

std::filesystem::path table_root(const core::Config& config, const char* setting,
                                 const char* fallback) {
  const auto path = config.path(setting);
  return path.empty() ? config.path("DECNET_DATA_DIR") / fallback : path;
}

int lookup(const std::vector<std::string>& ips) {
  const auto config = core::Config::load();
  const auto geoip = enrich::GeoIpTable::load_dir(table_root(config, "DECNET_GEOIP_ROOT", "geoip"));
  const auto asn = enrich::AsnTable::load_dir(table_root(config, "DECNET_ASN_ROOT", "asn"));
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

template <typename Import>
int refresh(const std::vector<std::string>& files, const char* setting, const char* fallback,
            Import import) {
  const auto config = core::Config::load();
  std::vector<std::filesystem::path> sources(files.begin(), files.end());
  try {
    const auto installed = import(sources, table_root(config, setting, fallback),
                                  [](const std::string& line) { std::cout << line << "\n"; });
    std::size_t ranges = 0;
    for (const auto& f : installed) ranges += f.ranges;
    std::cout << "OK " << installed.size() << " files, " << ranges << " ranges installed\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "refresh failed: " << e.what() << " (the installed files are unchanged)\n";
    return 1;
  }
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
  geo_refresh->add_option("--from", *rir_files, "Delegated files to install")
      ->required()
      ->check(CLI::ExistingFile);
  geo_refresh->callback([&action, rir_files] {
    action = [rir_files] {
      return refresh(*rir_files, "DECNET_GEOIP_ROOT", "geoip", enrich::import_rir_files);
    };
  });

  auto* asn = root.add_subcommand("asn", "Offline AS table");
  asn->require_subcommand(1);
  auto tsv_files = std::make_shared<std::vector<std::string>>();
  auto* asn_refresh = asn->add_subcommand("refresh", "Install iptoasn TSV files (.tsv, .tsv.gz)");
  asn_refresh->add_option("--from", *tsv_files, "iptoasn files to install")
      ->required()
      ->check(CLI::ExistingFile);
  asn_refresh->callback([&action, tsv_files] {
    action = [tsv_files] {
      return refresh(*tsv_files, "DECNET_ASN_ROOT", "asn", enrich::import_iptoasn_files);
    };
  });
}

}  // namespace decnet::app
