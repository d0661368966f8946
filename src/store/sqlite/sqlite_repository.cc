#include "store/sqlite/sqlite_repository.h"

#include "store/attachment_repository.h"
#include "store/attacker_repository.h"
#include "store/behaviour_repository.h"
#include "store/credential_repository.h"
#include "store/decky_repository.h"
#include "store/fingerprint_repository.h"
#include "store/identity_repository.h"
#include "store/intel_repository.h"
#include "store/log_repository.h"
#include "store/observation_repository.h"
#include "store/session_repository.h"
#include "store/smtp_target_repository.h"
#include "store/sqlite/domains.h"
#include "store/state_repository.h"
#include "store/stats_repository.h"
#include "store/ttp_repository.h"
#include "store/user_repository.h"
#include "store/webhook_repository.h"

namespace decnet::store::sqlite {
namespace {

class SqliteRepository final : public Repository {
 public:
  explicit SqliteRepository(const EngineOptions& options)
      : engine_(options),
        logs_(make_log_repository(engine_)),
        dead_letters_(make_dead_letter_repository(engine_)),
        attackers_(make_attacker_repository(engine_)),
        credentials_(make_credential_repository(engine_)),
        credential_reuse_(make_credential_reuse_repository(engine_)),
        state_(make_state_repository(engine_)),
        identities_(make_identity_repository(engine_)),
        campaigns_(make_campaign_repository(engine_)),
        observations_(make_observation_repository(engine_)),
        attribution_(make_attribution_repository(engine_)),
        intel_(make_intel_repository(engine_)),
        attachments_(make_attachment_repository(engine_)),
        fingerprints_(make_fingerprint_repository(engine_)),
        smtp_targets_(make_smtp_target_repository(engine_)),
        ttp_(make_ttp_repository(engine_)),
        webhooks_(make_webhook_repository(engine_)),
        users_(make_user_repository(engine_)),
        deckies_(make_decky_repository(engine_)),
        tarpit_(make_tarpit_repository(engine_)),
        sessions_(make_session_repository(engine_)),
        behaviour_(make_behaviour_repository(engine_)),
        stats_(make_stats_repository(engine_)) {}

  ~SqliteRepository() override { close(); }

  void submit(WriteTask task) override { engine_.submit(std::move(task)); }

  LogRepository& logs() override { return *logs_; }
  DeadLetterRepository& dead_letters() override { return *dead_letters_; }
  AttackerRepository& attackers() override { return *attackers_; }
  CredentialRepository& credentials() override { return *credentials_; }
  CredentialReuseRepository& credential_reuse() override { return *credential_reuse_; }
  StateRepository& state() override { return *state_; }
  IdentityRepository& identities() override { return *identities_; }
  CampaignRepository& campaigns() override { return *campaigns_; }
  ObservationRepository& observations() override { return *observations_; }
  AttributionRepository& attribution() override { return *attribution_; }
  IntelRepository& intel() override { return *intel_; }
  AttachmentRepository& attachments() override { return *attachments_; }
  FingerprintRepository& fingerprints() override { return *fingerprints_; }
  SmtpTargetRepository& smtp_targets() override { return *smtp_targets_; }
  TtpRepository& ttp() override { return *ttp_; }
  WebhookRepository& webhooks() override { return *webhooks_; }
  UserRepository& users() override { return *users_; }
  DeckyRepository& deckies() override { return *deckies_; }
  TarpitRepository& tarpit() override { return *tarpit_; }
  SessionRepository& sessions() override { return *sessions_; }
  BehaviourRepository& behaviour() override { return *behaviour_; }
  StatsRepository& stats() override { return *stats_; }

  StoreHealth health() const override {
    StoreHealth h;
    h.backend = "sqlite";
    h.detail = engine_.path().string();
    h.queued_writes = engine_.queued();
    h.committed_batches = engine_.committed_batches();
    h.committed_writes = engine_.committed_tasks();
    try {
      auto lease = const_cast<Engine&>(engine_).read();
      h.ok = query_int64(*lease, "SELECT 1").value_or(0) == 1;
    } catch (const std::exception& e) {
      h.ok = false;
      h.detail = e.what();
    }
    return h;
  }

  std::uint64_t data_version() override { return engine_.data_version(); }

  void close() override { engine_.close(); }

 private:
  Engine engine_;
  std::unique_ptr<LogRepository> logs_;
  std::unique_ptr<DeadLetterRepository> dead_letters_;
  std::unique_ptr<AttackerRepository> attackers_;
  std::unique_ptr<CredentialRepository> credentials_;
  std::unique_ptr<CredentialReuseRepository> credential_reuse_;
  std::unique_ptr<StateRepository> state_;
  std::unique_ptr<IdentityRepository> identities_;
  std::unique_ptr<CampaignRepository> campaigns_;
  std::unique_ptr<ObservationRepository> observations_;
  std::unique_ptr<AttributionRepository> attribution_;
  std::unique_ptr<IntelRepository> intel_;
  std::unique_ptr<AttachmentRepository> attachments_;
  std::unique_ptr<FingerprintRepository> fingerprints_;
  std::unique_ptr<SmtpTargetRepository> smtp_targets_;
  std::unique_ptr<TtpRepository> ttp_;
  std::unique_ptr<WebhookRepository> webhooks_;
  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<DeckyRepository> deckies_;
  std::unique_ptr<TarpitRepository> tarpit_;
  std::unique_ptr<SessionRepository> sessions_;
  std::unique_ptr<BehaviourRepository> behaviour_;
  std::unique_ptr<StatsRepository> stats_;
};

}  // namespace

std::unique_ptr<Repository> open_sqlite_repository(const EngineOptions& options) {
  return std::make_unique<SqliteRepository>(options);
}

}  // namespace decnet::store::sqlite
