// Migration 1: the intelligence schema. Table and column names are the reference's, so SQL
// written against it keeps working. Differences on purpose: every timestamp is INTEGER
// microseconds since the Unix epoch in UTC (sortable, exact, no time-zone ambiguity) except
// the BEHAVE envelope's float `ts`/window columns; IPs are never primary keys; every
// uniqueness rule the reference only enforced in code is a constraint here.
#include "store/sqlite/migrations/migrations.h"

namespace decnet::store::sqlite {

extern const Migration kMigration0001 = {1, "initial schema", R"SQL(
CREATE TABLE state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE users (
  uuid TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'viewer' CHECK (role IN ('viewer', 'admin')),
  must_change_password INTEGER NOT NULL DEFAULT 0,
  tokens_valid_from INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE revoked_tokens (
  jti TEXT PRIMARY KEY,
  user_uuid TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL
);
CREATE INDEX ix_revoked_tokens_user_uuid ON revoked_tokens(user_uuid);
CREATE INDEX ix_revoked_tokens_expires_at ON revoked_tokens(expires_at);

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  timestamp INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  timestamp_estimated INTEGER NOT NULL DEFAULT 0,
  decky TEXT NOT NULL,
  service TEXT NOT NULL,
  event_type TEXT NOT NULL,
  attacker_ip TEXT,
  attacker_uuid TEXT,
  raw_line TEXT NOT NULL,
  fields TEXT NOT NULL DEFAULT '{}',
  msg TEXT,
  sd_other TEXT
);
CREATE INDEX ix_logs_timestamp ON logs(timestamp);
CREATE INDEX ix_logs_decky ON logs(decky);
CREATE INDEX ix_logs_service ON logs(service);
CREATE INDEX ix_logs_event_type ON logs(event_type);
CREATE INDEX ix_logs_attacker_ip ON logs(attacker_ip);
CREATE INDEX ix_logs_attacker_uuid_id ON logs(attacker_uuid, id);

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  peer TEXT,
  reason TEXT NOT NULL,
  raw BLOB NOT NULL,
  raw_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_dead_letters_received_at ON dead_letters(received_at);

CREATE TABLE campaigns (
  uuid TEXT PRIMARY KEY,
  schema_version INTEGER NOT NULL DEFAULT 1,
  first_seen_at INTEGER,
  last_seen_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  confidence REAL,
  identity_count INTEGER NOT NULL DEFAULT 0,
  ja3_hashes TEXT,
  hassh_hashes TEXT,
  tls_cert_sha256 TEXT,
  payload_simhashes TEXT,
  c2_endpoints TEXT,
  merged_into_uuid TEXT REFERENCES campaigns(uuid),
  notes TEXT
);
CREATE INDEX ix_campaigns_merged_into_uuid ON campaigns(merged_into_uuid);

CREATE TABLE attacker_identities (
  uuid TEXT PRIMARY KEY,
  schema_version INTEGER NOT NULL DEFAULT 1,
  campaign_id TEXT REFERENCES campaigns(uuid),
  first_seen_at INTEGER,
  last_seen_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  confidence REAL,
  observation_count INTEGER NOT NULL DEFAULT 0,
  ja3_hashes TEXT,
  hassh_hashes TEXT,
  ja4h_hashes TEXT,
  ja4_quic_hashes TEXT,
  http_versions_seen TEXT,
  tls_cert_sha256 TEXT,
  ipv6_link_local_iids TEXT,
  payload_simhashes TEXT,
  c2_endpoints TEXT,
  kd_digraph_simhash BLOB CHECK (kd_digraph_simhash IS NULL OR length(kd_digraph_simhash) = 8),
  merged_into_uuid TEXT REFERENCES attacker_identities(uuid),
  notes TEXT
);
CREATE INDEX ix_attacker_identities_campaign_id ON attacker_identities(campaign_id);
CREATE INDEX ix_attacker_identities_merged_into_uuid ON attacker_identities(merged_into_uuid);
CREATE INDEX ix_attacker_identities_kd_digraph_simhash ON attacker_identities(kd_digraph_simhash);
CREATE INDEX ix_attacker_identities_updated_at ON attacker_identities(updated_at);

CREATE TABLE attackers (
  uuid TEXT PRIMARY KEY,
  ip TEXT NOT NULL,
  identity_id TEXT REFERENCES attacker_identities(uuid),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  service_count INTEGER NOT NULL DEFAULT 0,
  decky_count INTEGER NOT NULL DEFAULT 0,
  services TEXT NOT NULL DEFAULT '[]',
  deckies TEXT NOT NULL DEFAULT '[]',
  traversal_path TEXT,
  is_traversal INTEGER NOT NULL DEFAULT 0,
  bounty_count INTEGER NOT NULL DEFAULT 0,
  credential_count INTEGER NOT NULL DEFAULT 0,
  fingerprints TEXT NOT NULL DEFAULT '[]',
  commands TEXT NOT NULL DEFAULT '[]',
  country_code TEXT CHECK (country_code IS NULL OR length(country_code) = 2),
  country_source TEXT,
  asn INTEGER,
  as_name TEXT,
  bgp_prefix TEXT,
  asn_source TEXT,
  rpki_status TEXT,
  rpki_source TEXT,
  ptr_record TEXT,
  ptr_checked_at INTEGER,
  rotation_count INTEGER NOT NULL DEFAULT 0,
  last_rotation_at INTEGER,
  observed_published INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_attackers_ip ON attackers(ip);
CREATE INDEX ix_attackers_last_seen ON attackers(last_seen);
CREATE INDEX ix_attackers_first_seen ON attackers(first_seen);
CREATE INDEX ix_attackers_event_count ON attackers(event_count);
CREATE INDEX ix_attackers_identity_id ON attackers(identity_id);
CREATE INDEX ix_attackers_country_code ON attackers(country_code, last_seen);
CREATE INDEX ix_attackers_last_rotation_at ON attackers(last_rotation_at);

-- Which services and deckies each attacker touched, for indexed filtering (the reference
-- filtered with LIKE over a JSON column).
CREATE TABLE attacker_targets (
  attacker_uuid TEXT NOT NULL REFERENCES attackers(uuid) ON DELETE CASCADE,
  decky TEXT NOT NULL,
  service TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  event_count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (attacker_uuid, decky, service)
) WITHOUT ROWID;
CREATE INDEX ix_attacker_targets_service ON attacker_targets(service, attacker_uuid);
CREATE INDEX ix_attacker_targets_decky ON attacker_targets(decky, attacker_uuid);

CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  attacker_ip TEXT,
  attacker_ip_key TEXT NOT NULL DEFAULT '',
  attacker_uuid TEXT REFERENCES attackers(uuid),
  decky_name TEXT NOT NULL,
  service TEXT NOT NULL,
  principal TEXT,
  principal_key TEXT NOT NULL DEFAULT '',
  secret_kind TEXT NOT NULL DEFAULT 'plaintext',
  secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
  secret_b64 TEXT,
  secret_printable TEXT,
  outcome TEXT,
  fields TEXT NOT NULL DEFAULT '{}',
  truncated INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT uq_credentials_dedup UNIQUE (attacker_ip_key, decky_name, service, secret_kind,
                                          secret_sha256, principal_key)
);
CREATE INDEX ix_credentials_secret ON credentials(secret_sha256, secret_kind, principal_key);
CREATE INDEX ix_credentials_secret_service ON credentials(secret_sha256, service);
CREATE INDEX ix_credentials_principal_service ON credentials(principal, service);
CREATE INDEX ix_credentials_attacker_uuid ON credentials(attacker_uuid);
CREATE INDEX ix_credentials_attacker_ip ON credentials(attacker_ip);
CREATE INDEX ix_credentials_secret_kind ON credentials(secret_kind);
CREATE INDEX ix_credentials_last_seen ON credentials(last_seen);

CREATE TABLE credential_reuse (
  id TEXT PRIMARY KEY,
  secret_sha256 TEXT NOT NULL,
  secret_kind TEXT NOT NULL,
  principal TEXT,
  principal_key TEXT NOT NULL DEFAULT '',
  attacker_uuids TEXT NOT NULL DEFAULT '[]',
  attacker_ips TEXT NOT NULL DEFAULT '[]',
  deckies TEXT NOT NULL DEFAULT '[]',
  services TEXT NOT NULL DEFAULT '[]',
  targets TEXT NOT NULL DEFAULT '[]',
  target_count INTEGER NOT NULL DEFAULT 0,
  attacker_ip_count INTEGER NOT NULL DEFAULT 0,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  confidence REAL NOT NULL DEFAULT 1.0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CONSTRAINT uq_credential_reuse_secret UNIQUE (secret_sha256, secret_kind, principal_key)
);
CREATE INDEX ix_credential_reuse_target_count ON credential_reuse(target_count, last_seen);
CREATE INDEX ix_credential_reuse_updated_at ON credential_reuse(updated_at);

CREATE TABLE attacker_intel (
  uuid TEXT PRIMARY KEY,
  attacker_uuid TEXT NOT NULL UNIQUE REFERENCES attackers(uuid) ON DELETE CASCADE,
  attacker_ip TEXT NOT NULL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  providers TEXT NOT NULL DEFAULT '{}',
  aggregate_verdict TEXT NOT NULL DEFAULT 'unknown'
    CHECK (aggregate_verdict IN ('malicious', 'suspicious', 'benign', 'unknown')),
  cached_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  retry_at INTEGER
);
CREATE INDEX ix_attacker_intel_attacker_ip ON attacker_intel(attacker_ip);
CREATE INDEX ix_attacker_intel_expires_at ON attacker_intel(expires_at);
CREATE INDEX ix_attacker_intel_verdict ON attacker_intel(aggregate_verdict);

CREATE TABLE smtp_targets (
  id INTEGER PRIMARY KEY,
  attacker_uuid TEXT NOT NULL REFERENCES attackers(uuid) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT uq_smtp_targets UNIQUE (attacker_uuid, domain)
);
CREATE INDEX ix_smtp_targets_domain ON smtp_targets(domain);

CREATE TABLE observed_attachments (
  uuid TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64 AND sha256 = lower(sha256)),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  observation_count INTEGER NOT NULL DEFAULT 1,
  first_seen_decky_uuid TEXT,
  first_seen_attacker_uuid TEXT,
  last_seen_attacker_uuid TEXT,
  extensions TEXT NOT NULL DEFAULT '[]',
  first_subject TEXT,
  mal_hash_match INTEGER,
  mal_hash_match_provider TEXT,
  mal_hash_match_at INTEGER
);

CREATE TABLE attacker_fingerprint_state (
  uuid TEXT PRIMARY KEY,
  attacker_uuid TEXT NOT NULL REFERENCES attackers(uuid) ON DELETE CASCADE,
  port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
  probe_type TEXT NOT NULL CHECK (probe_type IN ('jarm', 'hassh', 'tcpfp')),
  last_hash TEXT NOT NULL,
  last_seen INTEGER NOT NULL,
  rotation_count INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT uq_fingerprint_state UNIQUE (attacker_uuid, port, probe_type)
);
CREATE INDEX ix_fingerprint_state_last_seen ON attacker_fingerprint_state(last_seen);

CREATE TABLE observations (
  id TEXT PRIMARY KEY,
  identity_ref TEXT,
  primitive TEXT NOT NULL,
  value TEXT NOT NULL,
  confidence REAL NOT NULL,
  window_start_ts REAL,
  window_end_ts REAL,
  source TEXT NOT NULL,
  evidence_ref TEXT NOT NULL,
  envelope_v INTEGER NOT NULL DEFAULT 1,
  ts REAL NOT NULL,
  attacker_uuid TEXT NOT NULL REFERENCES attackers(uuid) ON DELETE CASCADE,
  CONSTRAINT uq_observations_evidence_primitive UNIQUE (evidence_ref, primitive)
);
CREATE INDEX ix_observations_attacker_primitive_ts ON observations(attacker_uuid, primitive, ts);
CREATE INDEX ix_observations_primitive_ts ON observations(primitive, ts);

CREATE TABLE attribution_state (
  identity_uuid TEXT NOT NULL REFERENCES attacker_identities(uuid) ON DELETE CASCADE,
  primitive TEXT NOT NULL,
  current_value TEXT,
  state TEXT NOT NULL
    CHECK (state IN ('unknown', 'stable', 'drifting', 'conflicted', 'multi_actor')),
  confidence REAL NOT NULL DEFAULT 0,
  observation_count INTEGER NOT NULL DEFAULT 0,
  last_change_ts REAL,
  last_observation_ts REAL,
  schema_version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (identity_uuid, primitive)
);
CREATE INDEX ix_attribution_state_state ON attribution_state(state);
CREATE INDEX ix_attribution_state_last_change_ts ON attribution_state(last_change_ts);
CREATE INDEX ix_attribution_state_identity_state ON attribution_state(identity_uuid, state);

CREATE TABLE ttp_tag (
  uuid TEXT PRIMARY KEY,
  source_kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  attacker_uuid TEXT REFERENCES attackers(uuid) ON DELETE CASCADE,
  identity_uuid TEXT REFERENCES attacker_identities(uuid) ON DELETE CASCADE,
  session_id TEXT,
  decky_id TEXT,
  tactic TEXT NOT NULL,
  technique_id TEXT NOT NULL,
  sub_technique_id TEXT,
  confidence REAL NOT NULL,
  rule_id TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  attack_release TEXT NOT NULL,
  mitre_url TEXT,
  created_at INTEGER NOT NULL,
  CONSTRAINT ttp_tag_has_anchor CHECK (attacker_uuid IS NOT NULL OR identity_uuid IS NOT NULL),
  CONSTRAINT ttp_tag_confidence_range CHECK (confidence >= 0.0 AND confidence <= 1.0)
);
CREATE INDEX ix_ttp_tag_identity_technique ON ttp_tag(identity_uuid, technique_id);
CREATE INDEX ix_ttp_tag_attacker_technique ON ttp_tag(attacker_uuid, technique_id);
CREATE INDEX ix_ttp_tag_technique_created ON ttp_tag(technique_id, created_at);
CREATE INDEX ix_ttp_tag_session_id ON ttp_tag(session_id);
CREATE INDEX ix_ttp_tag_decky_id ON ttp_tag(decky_id);
CREATE INDEX ix_ttp_tag_tactic ON ttp_tag(tactic);
CREATE INDEX ix_ttp_tag_sub_technique_id ON ttp_tag(sub_technique_id);
CREATE INDEX ix_ttp_tag_rule_id ON ttp_tag(rule_id);
CREATE INDEX ix_ttp_tag_attack_release ON ttp_tag(attack_release);
CREATE INDEX ix_ttp_tag_created_at ON ttp_tag(created_at);

CREATE TABLE ttp_rule (
  rule_id TEXT PRIMARY KEY,
  rule_version INTEGER NOT NULL,
  source_path TEXT NOT NULL,
  yaml_content TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);

CREATE TABLE ttp_rule_state (
  rule_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  confidence_max REAL,
  expires_at INTEGER,
  reason TEXT,
  set_by TEXT,
  set_at INTEGER NOT NULL
);

CREATE TABLE webhook_subscriptions (
  uuid TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  url TEXT NOT NULL,
  secret_ciphertext BLOB NOT NULL,
  topic_patterns TEXT NOT NULL DEFAULT '[]',
  enabled INTEGER NOT NULL DEFAULT 1,
  batch_max_events INTEGER NOT NULL DEFAULT 1,
  batch_max_wait_ms INTEGER NOT NULL DEFAULT 0,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  last_error TEXT,
  auto_disabled_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX ix_webhook_subscriptions_enabled ON webhook_subscriptions(enabled);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  subscription_uuid TEXT NOT NULL REFERENCES webhook_subscriptions(uuid) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  latency_ms REAL,
  error TEXT,
  delivered INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ix_webhook_deliveries_subscription ON webhook_deliveries(subscription_uuid, id);

CREATE TABLE webhook_dead_letters (
  id INTEGER PRIMARY KEY,
  subscription_uuid TEXT NOT NULL REFERENCES webhook_subscriptions(uuid) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  last_error TEXT,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  redelivered_at INTEGER
);
CREATE INDEX ix_webhook_dead_letters_subscription ON webhook_dead_letters(subscription_uuid, id);

CREATE TABLE fleet_deckies (
  host_uuid TEXT NOT NULL DEFAULT 'local',
  name TEXT NOT NULL,
  services TEXT NOT NULL DEFAULT '[]',
  decky_config TEXT NOT NULL DEFAULT '{}',
  decky_ip TEXT,
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'running', 'failed', 'torn_down', 'degraded', 'tearing_down',
                     'teardown_failed')),
  last_error TEXT,
  compose_hash TEXT,
  last_seen INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (host_uuid, name)
);
CREATE INDEX ix_fleet_deckies_state ON fleet_deckies(state);

CREATE TABLE decky_services (
  host_uuid TEXT NOT NULL DEFAULT 'local',
  decky_name TEXT NOT NULL,
  service_name TEXT NOT NULL,
  config TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (host_uuid, decky_name, service_name),
  FOREIGN KEY (host_uuid, decky_name) REFERENCES fleet_deckies(host_uuid, name) ON DELETE CASCADE
);

CREATE TABLE tarpit_rules (
  id TEXT PRIMARY KEY,
  decky_name TEXT NOT NULL UNIQUE,
  ports TEXT NOT NULL DEFAULT '[]',
  delay_ms INTEGER NOT NULL CHECK (delay_ms >= 0),
  created_at INTEGER NOT NULL,
  created_by TEXT
);
)SQL"};

}  // namespace decnet::store::sqlite
