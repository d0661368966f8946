// The figures of the dashboard's overview, read in one consistent snapshot. Each one is kept
// cheap at a million attackers and millions of events by counters the store maintains as it
// writes (row totals, hourly event counts, per-username and per-password attempt totals), so
// reading them never scans a large table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace decnet::store {

struct WindowedCount {
  std::int64_t total = 0;
  std::int64_t recent = 0;  // within the window (see each field of OverviewStats)
};

struct NamedCount {
  std::string name;
  std::int64_t count = 0;
};

struct OverviewStats {
  // Events whose timestamp is within the window.
  WindowedCount events;
  // Attackers whose first_seen is within the window.
  WindowedCount attackers;
  // Credential rows (one per address, decky, service, secret and principal; repeats only count
  // attempts) whose first_seen is within the window.
  WindowedCount credentials;
  // Credential reuse findings whose first_seen (the secret's first attempt) is within the window.
  WindowedCount reuse_findings;
  // Most first, ties by name; `limit` entries at most.
  std::vector<NamedCount> top_services;   // events in the window
  std::vector<NamedCount> top_deckies;    // events in the window
  std::vector<NamedCount> top_countries;  // attackers with a country, all time
  std::vector<NamedCount> top_usernames;  // attempts per principal, all time
  // Attempts per plaintext secret, all time, named by its printable form (bytes outside
  // printable ASCII shown as '?', never the raw secret).
  std::vector<NamedCount> top_passwords;
  // The fleet as the deployer recorded it (the reference's deployed and active deckies).
  std::int64_t deckies_deployed = 0;
  std::int64_t deckies_running = 0;
};

class StatsRepository {
 public:
  virtual ~StatsRepository() = default;
  // The window is [since, now]: everything at or after `since` counts as recent.
  virtual OverviewStats overview(std::int64_t since, int limit) = 0;
};

}  // namespace decnet::store
