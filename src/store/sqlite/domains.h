// Constructors of the SQLite implementation of each domain repository. Each lives in its own
// *_store.cc; SqliteRepository wires them together.
#pragma once

#include <memory>

#include "store/sqlite/engine.h"

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
}  // namespace decnet::store

namespace decnet::store::sqlite {

std::unique_ptr<LogRepository> make_log_repository(Engine& engine);
std::unique_ptr<DeadLetterRepository> make_dead_letter_repository(Engine& engine);
std::unique_ptr<AttackerRepository> make_attacker_repository(Engine& engine);
std::unique_ptr<CredentialRepository> make_credential_repository(Engine& engine);
std::unique_ptr<CredentialReuseRepository> make_credential_reuse_repository(Engine& engine);
std::unique_ptr<StateRepository> make_state_repository(Engine& engine);
std::unique_ptr<IdentityRepository> make_identity_repository(Engine& engine);
std::unique_ptr<CampaignRepository> make_campaign_repository(Engine& engine);
std::unique_ptr<ObservationRepository> make_observation_repository(Engine& engine);
std::unique_ptr<AttributionRepository> make_attribution_repository(Engine& engine);
std::unique_ptr<IntelRepository> make_intel_repository(Engine& engine);
std::unique_ptr<AttachmentRepository> make_attachment_repository(Engine& engine);
std::unique_ptr<FingerprintRepository> make_fingerprint_repository(Engine& engine);
std::unique_ptr<SmtpTargetRepository> make_smtp_target_repository(Engine& engine);
std::unique_ptr<TtpRepository> make_ttp_repository(Engine& engine);
std::unique_ptr<WebhookRepository> make_webhook_repository(Engine& engine);
std::unique_ptr<UserRepository> make_user_repository(Engine& engine);
std::unique_ptr<DeckyRepository> make_decky_repository(Engine& engine);
std::unique_ptr<TarpitRepository> make_tarpit_repository(Engine& engine);
std::unique_ptr<StatsRepository> make_stats_repository(Engine& engine);
std::unique_ptr<SessionRepository> make_session_repository(Engine& engine);
std::unique_ptr<BehaviourRepository> make_behaviour_repository(Engine& engine);

}  // namespace decnet::store::sqlite
