// The storage interface the rest of DECNET sees: one repository per domain, reached from this
// aggregate, plus the group-commit write queue. Callers never see SQL. Reads run on a pool and
// can be called from any thread; writes take a WriteScope and therefore only run inside
// Repository::write(), batched with other callers' writes into one transaction.
//
// Every backend (SQLite now, PostgreSQL later) implements the same interfaces and passes the
// same test suite; nothing backend-specific (rowids, SQLite type affinity, pragmas) leaks here.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "store/write_scope.h"

namespace decnet::core {
class Config;
}

namespace decnet::store {

class LogRepository;
class DeadLetterRepository;
class AttackerRepository;
class CredentialRepository;
class CredentialReuseRepository;
class StateRepository;
class IdentityRepository;
class CampaignRepository;
class ObservationRepository;
class AttributionRepository;
class IntelRepository;
class AttachmentRepository;
class FingerprintRepository;
class SmtpTargetRepository;
class TtpRepository;
class WebhookRepository;
class UserRepository;
class DeckyRepository;
class TarpitRepository;
class StatsRepository;
class SessionRepository;
class BehaviourRepository;

struct StoreHealth {
  bool ok = false;
  std::string backend;
  std::string detail;
  std::size_t queued_writes = 0;
  std::uint64_t committed_batches = 0;
  std::uint64_t committed_writes = 0;
};

nlohmann::json to_json(const StoreHealth& health);

class Repository : public WriteQueue {
 public:
  ~Repository() override = default;

  virtual LogRepository& logs() = 0;
  virtual DeadLetterRepository& dead_letters() = 0;
  virtual AttackerRepository& attackers() = 0;
  virtual CredentialRepository& credentials() = 0;
  virtual CredentialReuseRepository& credential_reuse() = 0;
  virtual StateRepository& state() = 0;
  virtual IdentityRepository& identities() = 0;
  virtual CampaignRepository& campaigns() = 0;
  virtual ObservationRepository& observations() = 0;
  virtual AttributionRepository& attribution() = 0;
  virtual IntelRepository& intel() = 0;
  virtual AttachmentRepository& attachments() = 0;
  virtual FingerprintRepository& fingerprints() = 0;
  virtual SmtpTargetRepository& smtp_targets() = 0;
  virtual TtpRepository& ttp() = 0;
  virtual WebhookRepository& webhooks() = 0;
  virtual UserRepository& users() = 0;
  virtual DeckyRepository& deckies() = 0;
  virtual TarpitRepository& tarpit() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual BehaviourRepository& behaviour() = 0;
  // Read-only figures across domains (the dashboard's overview).
  virtual StatsRepository& stats() = 0;

  virtual StoreHealth health() const = 0;
  // Changes whenever anything is committed to the database, by this process or another; equal
  // values mean nothing changed in between, so a cached query result is still exact.
  virtual std::uint64_t data_version() = 0;
  // Commits queued writes and releases the database. Idempotent.
  virtual void close() = 0;
};

// Opens the configured database, applying pending migrations unless DECNET_DB_AUTO_MIGRATE is
// false (then an outdated schema is refused with a pointer to `decnet db migrate`).
std::unique_ptr<Repository> open_repository(const core::Config& config);

// DECNET_DB_PATH, or <DECNET_DATA_DIR>/decnet.db.
std::filesystem::path database_path(const core::Config& config);

}  // namespace decnet::store
