// Migration 10: a credential attempt touches fewer and smaller index pages.
//
// Secrets were found through (secret_sha256, secret_kind, principal_key), about 90 bytes an entry
// inserted at a random place for every new credential; the first 16 hex digits of the digest
// (64 bits, uniform because it is a hash) locate a secret as well in a fifth of the space, and
// every query still compares the full digest, kind and principal.
//
// The attempt totals per principal and per password were kept by triggers, two more random
// upserts per attempt; the credential repository now adds them up per transaction and writes
// each distinct key once before COMMIT (credential_store.cc). The delete trigger stays: deletes
// are rare and may come from anywhere.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0010 = {10, "credential write path", R"SQL(
DROP INDEX ix_credentials_secret;
CREATE INDEX ix_credentials_secret_prefix ON credentials(substr(secret_sha256, 1, 16));
DROP TRIGGER tr_credentials_totals_insert;
DROP TRIGGER tr_credentials_totals_update;
)SQL"};

}  // namespace decnet::store::sqlite
