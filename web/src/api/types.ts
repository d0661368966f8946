// Shapes of the API's answers, as the C++ routes write them (src/api/routes_*.cc).

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  data: T[];
}

export type Role = "admin" | "viewer";
export type Verdict = "malicious" | "suspicious" | "benign" | "unknown";

export interface LoginResponse {
  access_token: string;
  expires_at: number;
  must_change_password: boolean;
  token_type: string;
}

export interface Me {
  uuid: string;
  username: string;
  role: Role;
  must_change_password: boolean;
}

export interface AttackerSummary {
  uuid: string;
  ip: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
  service_count: number;
  decky_count: number;
  services: string[];
  deckies: string[];
  traversal_path: string | null;
  is_traversal: boolean;
  credential_count: number;
  country_code: string | null;
  country_source: string | null;
  asn: number | null;
  as_name: string | null;
  bgp_prefix: string | null;
  rpki_status: string | null;
  ptr_record: string | null;
  rotation_count: number;
  last_rotation_at: string | null;
  verdict: Verdict | null;
  identity_id: string | null;
  behavior_class: BehaviorClass | null;
  score: number | null;
}

export const BEHAVIOR_CLASSES = ["unknown", "slow_scan", "scanning", "brute_force", "beaconing", "interactive", "mixed"] as const;
export type BehaviorClass = (typeof BEHAVIOR_CLASSES)[number];

export interface BehaviourTiming {
  event_count: number;
  duration_s: number;
  mean_iat_s: number;
  stdev_iat_s: number;
  min_iat_s: number;
  max_iat_s: number;
  cv: number;
}

export interface KillChainPhase {
  phase: string;
  first_at: number; // microseconds since the epoch
}

export interface ToolSighting {
  tool: string;
  evidence: string;
  automated: boolean;
}

export interface Behaviour {
  behavior_class: BehaviorClass;
  score: number;
  reasons: string[];
  timing: BehaviourTiming | null;
  beacon_interval_s: number | null;
  beacon_jitter_pct: number | null;
  phases: KillChainPhase[];
  tools: ToolSighting[];
  updated_at: string;
}

export type SessionOutcome = "closed" | "auth_failed" | "logged_in";

// One connection of an attacker to one decky service, from connect to disconnect.
export interface AttackerSession {
  uuid: string;
  attacker_uuid: string;
  attacker_ip: string;
  decky: string;
  service: string;
  session_id: string | null;
  started_at: string;
  last_event_at: string;
  ended_at: string | null;
  duration_s: number;
  open: boolean;
  end_reason: string | null;
  outcome: SessionOutcome;
  event_count: number;
  auth_attempts: number;
  bytes: number;
  command_count: number;
  commands: { command: string; ts: string }[];
  has_recording: boolean;
}

export interface RecordingEvent {
  t: number; // seconds since the session started
  ch: "i" | "o";
  d: string;
}

export interface Recording {
  session_uuid: string;
  events: RecordingEvent[];
  truncated: boolean;
}

export type SimilarityKind = "timing" | "keystroke" | "cmd_ngram" | "ja3" | "hassh" | "jarm";

export interface SimilarAttacker {
  attacker_uuid: string;
  ip: string;
  distance: number;
  metric: string;
  behavior_class: BehaviorClass | null;
}

export interface Similarity {
  kind: SimilarityKind;
  attacker_uuid: string;
  data: SimilarAttacker[];
}

export interface Credential {
  id: number;
  attacker_ip: string;
  attacker_uuid: string | null;
  attempt_count: number;
  decky_name: string;
  service: string;
  principal: string | null;
  secret_kind: string;
  secret_printable: string | null;
  secret_sha256: string;
  first_seen: string;
  last_seen: string;
  outcome: string | null;
  truncated: boolean;
}

export interface ReuseFinding {
  id: string;
  principal: string | null;
  secret_kind: string;
  secret_printable: string | null;
  secret_sha256: string;
  attacker_ips: string[];
  attacker_uuids: string[];
  attacker_ip_count: number;
  attempt_count: number;
  target_count: number;
  targets: string[];
  deckies: string[];
  services: string[];
  confidence: number;
  first_seen: string;
  last_seen: string;
}

export interface ProviderResult {
  verdict: string | null;
  error: string | null;
  queried_at: string | null;
  raw: unknown;
}

export interface Intel {
  aggregate_verdict: Verdict;
  attacker_ip: string;
  cached_at: string | null;
  expires_at: string | null;
  retry_at: string | null;
  providers: Record<string, ProviderResult>;
}

export interface Target {
  decky: string;
  service: string;
  event_count: number;
  first_seen: string;
  last_seen: string;
}

export interface FingerprintState {
  uuid: string;
  port: number;
  probe_type: string;
  last_hash: string;
  last_seen: string;
  rotation_count: number;
}

export interface SmtpTarget {
  domain: string;
  count: number;
  first_seen: string;
  last_seen: string;
}

export interface ObservationSeries {
  primitive: string;
  value: unknown;
  confidence: number;
  ts: number;
  source: string;
  series: { ts: number; value: unknown; confidence: number }[];
}

export interface AttackerDetail extends AttackerSummary {
  credentials: Credential[];
  credentials_total: number;
  credential_reuse: ReuseFinding[];
  targets: Target[];
  fingerprints: Record<string, unknown>[] | Record<string, unknown>;
  fingerprint_states: FingerprintState[];
  smtp_targets: SmtpTarget[];
  commands: unknown[];
  intel: Intel | null;
  behaviour: Behaviour | null;
}

export interface LogRow {
  id: number;
  timestamp: string;
  received_at: string;
  decky: string;
  service: string;
  event_type: string;
  attacker_ip: string | null;
  attacker_uuid: string | null;
  msg: string | null;
  fields: Record<string, string>;
  raw_line: string;
}

export interface HistogramBucket {
  bucket: string;
  count: number;
}

export interface NamedCount {
  name: string;
  count: number;
}

export interface Stats {
  generated_at: string;
  events: { total: number; last_24h: number };
  attackers: { total: number; last_24h: number };
  credentials: { total: number; last_24h: number };
  reuse_findings: { total: number; last_24h: number };
  top_services: NamedCount[];
  top_deckies: NamedCount[];
  top_countries: NamedCount[];
  top_usernames: NamedCount[];
  top_passwords: NamedCount[];
}

export interface Worker {
  name: string;
  status: "ok" | "stale" | "unknown";
  last_heartbeat_ts: number | null;
  seconds_since: number | null;
  extra?: Record<string, unknown>;
}

export interface Workers {
  bus_connected: boolean;
  generated_at: number;
  workers: Worker[];
}

export interface User {
  uuid: string;
  username: string;
  role: Role;
  must_change_password: boolean;
  created_at: string;
  updated_at: string;
}

export type WebhookState = "active" | "paused" | "tripped";

export interface Webhook {
  uuid: string;
  name: string;
  url: string;
  topic_patterns: string[];
  enabled: boolean;
  state: WebhookState;
  batch_max_events: number;
  batch_max_wait_ms: number;
  consecutive_failures: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  auto_disabled_at: string | null;
  created_at: string;
  updated_at: string;
  warnings: string[];
  secret?: string;
}

export interface WebhookDelivery {
  id: number;
  event_id: string;
  topic: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
  delivered: boolean;
  created_at: string;
}

export interface WebhookDeadLetter {
  id: number;
  event_id: string;
  topic: string;
  body: unknown;
  last_error: string | null;
  attempts: number;
  created_at: string;
  redelivered_at: string | null;
}

export interface WebhookTestOutcome {
  delivered: boolean;
  status_code: number | null;
  error: string | null;
  attempts: number;
  response_excerpt: string;
}

export interface BusEvent {
  id: string;
  topic: string;
  type: string;
  ts: number;
  payload: Record<string, unknown>;
}

// GET /api/v1/ttp/by-attacker/{uuid} (and by-session, by-identity): one row per ATT&CK
// technique (or sub-technique) seen in that scope.
export interface TechniqueRow {
  technique_id: string;
  technique_name: string | null;
  sub_technique_id: string | null;
  sub_technique_name: string | null;
  tactic: string;
  count: number;
  first_seen?: string; // scoped rollups only
  last_seen: string;
  confidence_max: number;
  mitre_url: string | null;
}

// Where techniques are looked at: the whole fleet, or one identity, attacker or session.
export type TechniqueScope = "fleet" | "identity" | "attacker" | "session";

// GET /api/v1/ttp/tags/...: one tag with the evidence that made its rule fire.
export interface TagDetail {
  uuid: string;
  source_kind: string;
  source_id: string;
  attacker_uuid: string | null;
  identity_uuid: string | null;
  session_id: string | null;
  decky_id: string | null;
  tactic: string;
  technique_id: string;
  technique_name: string | null;
  sub_technique_id: string | null;
  sub_technique_name: string | null;
  confidence: number;
  rule_id: string;
  rule_version: number;
  evidence: Record<string, unknown>;
  attack_release: string;
  mitre_url: string | null;
  created_at: string;
}

export type RuleStateName = "enabled" | "disabled" | "clipped";

// GET /api/v1/ttp/rules: the pack's rules with the operators' decision on each.
export interface RuleRow {
  rule_id: string;
  rule_version: number;
  name: string;
  description: string;
  applies_to: string[];
  kind: string;
  state: RuleStateName;
  confidence_max: number | null;
  expires_at: string | null;
  reason: string | null;
  set_by: string | null;
  set_at: string | null;
}

// GET /api/v1/identities: the actor behind one or more attacker addresses.
export interface Identity {
  uuid: string;
  schema_version: number;
  campaign_id: string | null;
  first_seen_at: string | null;
  last_seen_at: string | null;
  created_at: string;
  updated_at: string;
  confidence: number | null;
  observation_count: number; // member addresses when last changed
  ja3_hashes: string[] | null;
  hassh_hashes: string[] | null;
  ja4h_hashes: string[] | null;
  ja4_quic_hashes: string[] | null;
  tls_cert_sha256: string[] | null;
  payload_hashes: string[] | null;
  c2_endpoints: string[] | null;
  kd_digraph_simhash: string | null;
  merged_into_uuid: string | null;
  notes: string | null;
}

export interface AttributionPrimitive {
  primitive: string;
  current_value: unknown;
  state: "unknown" | "stable" | "drifting" | "conflicted" | "multi_actor";
  confidence: number;
  observation_count: number;
  last_change_ts: number | null;
  last_observation_ts: number | null;
}

// GET /api/v1/identities/{uuid}
export interface IdentityDetail extends Identity {
  observation_count_live: number;
  members: AttackerSummary[];
  attribution: AttributionPrimitive[];
  multi_actor_primitives: string[];
  multi_actor_suspected: boolean;
}

// GET /api/v1/campaigns: the operation behind several identities.
export interface Campaign {
  uuid: string;
  schema_version: number;
  first_seen_at: string | null;
  last_seen_at: string | null;
  created_at: string;
  updated_at: string;
  confidence: number | null;
  identity_count: number;
  merged_into_uuid: string | null;
  notes: string | null;
}

// One pair of a campaign's identities scored with the campaign edge.
export interface CampaignEdge {
  a: string;
  b: string;
  score: number;
  linked: boolean;
  phase_handoff: number;
  shared_infra: number;
  temporal_overlap: number;
  cohort: number;
  keystroke: number;
}

// GET /api/v1/campaigns/{uuid}
export interface CampaignDetail extends Campaign {
  identity_count_live: number;
  identities: (Identity & { observation_count_live: number })[];
  edges: CampaignEdge[];
}

export interface DeckyHeartbeat {
  at: number;
  services: Record<string, { ports: number[]; accepted: number; open: number }>;
  errors: string[];
  tarpitted?: { ip: string; port: number }[];
  lines?: number;
  delivered?: number;
  master_connected?: boolean;
}

export interface Decky {
  name: string;
  ip: string;
  hostname: string;
  services: string[];
  archetype: string | null;
  nmap_os: string;
  service_config: Record<string, Record<string, string>>;
  tarpit: { ports: number[]; delay_ms: number } | null;
  state: string;
  last_error: string | null;
  last_seen: string | null;
  updated_at: string | null;
  heartbeat?: DeckyHeartbeat | null;
}

export interface DeployResult {
  message: string;
  mode: string;
  dry_run: boolean;
  plan: { subnet: string; gateway: string; deckies: { name: string; ip: string; services: string[]; archetype: string | null }[] };
  deployed: string[];
  replaced: string[];
  failures: string[];
}

export interface ServiceField {
  key: string;
  label: string;
  type: "string" | "password" | "int" | "bool" | "textarea" | "enum" | "multi_enum";
  default: unknown;
  secret: boolean;
  help: string | null;
  enum: string[] | null;
}

export interface ServiceSchema {
  name: string;
  ports: number[];
  fleet_singleton: boolean;
  fields: ServiceField[];
}

export interface TarpitStatus {
  rule: { id: string; decky_name: string; ports: number[]; delay_ms: number; created_at: number; created_by: string | null };
  active_connections: { ip: string; port: number }[];
}
