// Attackers: one row per source address (an observation of an actor, not an identity), kept
// up to date incrementally as events are written rather than recomputed by a periodic scan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/page.h"
#include "store/write_scope.h"

namespace decnet::store {

struct TargetActivity {
  std::string decky;
  std::string service;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t event_count = 0;
};

// What a batch of events says about one address; the ingest writer aggregates per batch.
struct AttackerActivity {
  std::string ip;
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t event_count = 0;
  std::int64_t credential_count = 0;
  std::vector<TargetActivity> targets;
};

// What a caller that remembers an attacker's targets (the ingest ledger) knows about an
// activity of it: which of its targets are new, and the services and deckies they bring that the
// attacker had none of. The store then needs no look-up to find out.
struct TargetNews {
  std::vector<std::size_t> new_targets;  // indices into AttackerActivity::targets
  std::vector<std::string> new_services;
  std::vector<std::string> new_deckies;
};

// An attacker as rows derived from its events refer to it.
struct AttackerRef {
  std::int64_t id = 0;
  std::string uuid;
};

struct ActivityResult {
  std::string uuid;
  bool created = false;
  std::int64_t id = 0;  // attackers.id, the key log rows refer to
};

// The services and deckies an attacker touched are listed on its row for the list page, at most
// this many each (deckies in first-contact order, services sorted); service_count and
// decky_count stay exact, and attacker_targets holds every pair. A hostile sender can invent
// targets without end, and rewriting an ever longer list on every new one made ingest
// quadratic; past the cap a new target costs one row and a counter.
inline constexpr std::size_t kMaxListedTargets = 64;
// An attacker row keeps this many of its latest commands (its sessions keep them all, up to
// their own bound).
inline constexpr std::size_t kMaxAttackerCommands = 50;
// The attacker page lists this many targets, most recent first.
inline constexpr std::int64_t kMaxTargetsShown = 200;

struct Attacker {
  std::string uuid;
  std::string ip;
  std::optional<std::string> identity_id;  // the identity it belongs to now (merges followed)
  std::int64_t first_seen = 0;
  std::int64_t last_seen = 0;
  std::int64_t event_count = 0;
  std::int64_t service_count = 0;
  std::int64_t decky_count = 0;
  std::vector<std::string> services;  // sorted; at most kMaxListedTargets
  std::vector<std::string> deckies;   // first-contact order; at most kMaxListedTargets
  std::optional<std::string> traversal_path;
  bool is_traversal = false;
  std::int64_t bounty_count = 0;
  std::int64_t credential_count = 0;
  std::string fingerprints = "[]";  // JSON array
  std::string commands = "[]";      // JSON array
  std::optional<std::string> country_code;
  std::optional<std::string> country_source;
  std::optional<std::int64_t> asn;
  std::optional<std::string> as_name;
  std::optional<std::string> bgp_prefix;
  std::optional<std::string> asn_source;
  std::optional<std::string> rpki_status;
  std::optional<std::string> rpki_source;
  std::optional<std::string> ptr_record;
  std::int64_t rotation_count = 0;
  std::optional<std::int64_t> last_rotation_at;
  std::optional<std::string> verdict;  // aggregate threat-intel verdict, when cached
  std::int64_t updated_at = 0;
  std::optional<std::string> behavior_class;  // the profiler's verdict, once it has one
  std::optional<std::int64_t> score;
};

// What the enrichment worker found for one attacker's address; fields left empty are stored
// as NULL (nothing known), and enriched_at marks the attacker as looked at.
struct AttackerEnrichment {
  std::string uuid;
  std::optional<std::string> country_code;
  std::optional<std::string> country_source;
  std::optional<std::int64_t> asn;
  std::optional<std::string> as_name;
  std::optional<std::string> bgp_prefix;
  std::optional<std::string> asn_source;
  std::int64_t enriched_at = 0;
};

struct AttackerAddress {
  std::string uuid;
  std::string ip;
};

enum class AttackerSort { kRecent, kFirstSeen, kActive, kTraversals, kScore };

struct AttackerQuery {
  PageRequest page;
  std::string search;  // prefix of the IP address
  std::optional<std::string> service;
  std::optional<std::string> decky;
  std::optional<std::string> country_code;
  std::optional<std::string> verdict;
  std::optional<std::string> behavior_class;  // the profiler's class (unknown, scanning, ...)
  std::optional<std::int64_t> seen_after;     // last_seen >= this
  std::optional<std::int64_t> seen_before;    // first_seen <= this
  AttackerSort sort = AttackerSort::kRecent;
};

class AttackerRepository {
 public:
  virtual ~AttackerRepository() = default;

  // Creates or advances the attacker for activity.ip: first/last seen, counts, services and
  // deckies touched. Returns its uuid and whether this call created it.
  virtual ActivityResult record_activity(WriteScope& scope, const AttackerActivity& activity) = 0;
  // The cheaper path for an attacker known to exist, when the caller knows which targets are new
  // (`news`; empty: none are): counters and times of the attacker and of each target, the new
  // target rows, and the listed services and deckies when new ones arrive.
  virtual void add_known_activity(WriteScope& scope, std::int64_t attacker_id,
                                  const AttackerActivity& activity,
                                  const TargetNews& news = {}) = 0;
  // Inside a write: the attacker of an address, if there is one.
  virtual std::optional<AttackerRef> find_in(WriteScope& scope, const std::string& ip) = 0;
  // Inside a write: the attacker's target rows (decky and service), at most `limit`.
  virtual std::vector<TargetActivity> targets_in(WriteScope& scope, std::int64_t attacker_id,
                                                 std::int64_t limit) = 0;

  // Crash repair. Counters are written behind the log rows they count, so a crash can leave them
  // short; this recomputes event and credential counts, first and last seen, the targets and
  // the listed services and deckies, exactly, from `logs` and `credentials`: for the attackers
  // with log rows after `after_log_id`, or for every attacker when it is nullopt. Returns how
  // many attackers it recounted.
  virtual std::int64_t recount_from_logs(WriteScope& scope,
                                         std::optional<std::int64_t> after_log_id) = 0;

  // attacker.observed bookkeeping: created attackers start unpublished; the writer marks them
  // once the event is out, and start-up re-publishes any left unmarked by a crash.
  virtual void mark_observed_published(WriteScope& scope,
                                       const std::vector<std::string>& uuids) = 0;
  virtual std::vector<Attacker> list_unpublished_observed(std::int64_t limit) = 0;

  // Enrichment: origin fields of one attacker, and the attackers not looked at yet, oldest
  // first. Reverse DNS happens once per address across restarts and processes: a caller first
  // claims the check (true only for the one call that stamps ptr_checked_at), then stores the
  // name it found.
  // False (and nothing written) when the attacker was already enriched.
  virtual bool set_enrichment(WriteScope& scope, const AttackerEnrichment& enrichment) = 0;
  virtual bool claim_ptr_check(WriteScope& scope, const std::string& uuid, std::int64_t at) = 0;
  virtual void set_ptr(WriteScope& scope, const std::string& uuid,
                       const std::optional<std::string>& name) = 0;
  // Route-origin validity of the attacker's announced prefix and who said so.
  virtual void set_rpki(WriteScope& scope, const std::string& uuid, const std::string& status,
                        const std::string& source) = 0;
  virtual std::vector<AttackerAddress> list_unenriched(std::int64_t limit) = 0;
  // The attacker's latest commands (JSON array of {service, decky, command, timestamp}), written
  // by the profiler as sessions end; at most kMaxAttackerCommands.
  virtual void set_commands(WriteScope& scope, std::int64_t attacker_id,
                            const std::string& commands_json) = 0;

  virtual std::optional<Attacker> get(const std::string& uuid) = 0;
  virtual std::optional<Attacker> get_by_ip(const std::string& ip) = 0;
  virtual Page<Attacker> list(const AttackerQuery& query) = 0;
  // The attacker's (decky, service) pairs, most recently active first, at most `limit`.
  virtual std::vector<TargetActivity> targets(const std::string& uuid,
                                              std::int64_t limit = kMaxTargetsShown) = 0;
  virtual std::int64_t count() = 0;
};

}  // namespace decnet::store
