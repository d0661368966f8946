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
}  // namespace decnet::store

namespace decnet::store::sqlite {

std::unique_ptr<LogRepository> make_log_repository(Engine& engine);
std::unique_ptr<DeadLetterRepository> make_dead_letter_repository(Engine& engine);
std::unique_ptr<AttackerRepository> make_attacker_repository(Engine& engine);
std::unique_ptr<CredentialRepository> make_credential_repository(Engine& engine);
std::unique_ptr<CredentialReuseRepository> make_credential_reuse_repository(Engine& engine);
std::unique_ptr<StateRepository> make_state_repository(Engine& engine);

}  // namespace decnet::store::sqlite
