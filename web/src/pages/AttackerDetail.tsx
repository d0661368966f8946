// Everything known about one attacker. The detail, the intel panel, the event timeline and the
// observations are separate requests started together, so each section shows as soon as its
// own answer is in.
import { useState } from "react";
import { api } from "../api/client";
import type { AttackerDetail, IdentityDetail, LogRow, ObservationSeries, Page } from "../api/types";
import { BehaviourCard, ClassChip } from "../components/Behaviour";
import { Sparkline } from "../components/Charts";
import { Chip, VerdictChip } from "../components/Chip";
import { DataTable, type Column } from "../components/DataTable";
import { SessionsCard } from "../components/Sessions";
import { SimilarAttackers } from "../components/SimilarAttackers";
import { ExportButtons } from "../components/ExportButtons";
import { TechniquesCard } from "../components/Techniques";
import { Time } from "../components/Time";
import { addresses, flag, formatCount, shortHash, shortId } from "../lib/format";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";
import { IntelPanel } from "./IntelPanel";
import { ReuseDrawer } from "./ReuseDrawer";

// The identity this address belongs to, with how many addresses it ties together.
function IdentityLink({ uuid }: { uuid: string }) {
  const identity = useApi((signal) => api.get<IdentityDetail>(`/identities/${encodeURIComponent(uuid)}`, undefined, signal), [uuid]);
  const n = identity.data?.observation_count_live ?? 0;
  return (
    <Link href={`/identities/${uuid}`} className={n > 1 ? "chip chip-info" : undefined}>
      Identity {shortId(uuid)}
      {n > 1 ? ` · ${addresses(n)}` : ""}
    </Link>
  );
}

export function AttackerDetailPage({ uuid }: { uuid: string }) {
  const path = `/attackers/${encodeURIComponent(uuid)}`;
  const detail = useApi((signal) => api.get<AttackerDetail>(path, undefined, signal), [path]);
  const [reuseId, setReuseId] = useState<string | null>(null);
  const a = detail.data;

  if (detail.error && !a) {
    return (
      <section>
        <h1>Attacker</h1>
        <p className="form-error" role="alert">
          {detail.error.message}
        </p>
        <Link href="/attackers">Back to attackers</Link>
      </section>
    );
  }

  return (
    <section aria-labelledby="attacker-title">
      <header className="page-head">
        <h1 id="attacker-title" className="mono">
          {a?.ip ?? "Attacker"}
        </h1>
        {a && <VerdictChip verdict={a.verdict} />}
        {a?.behavior_class && <ClassChip cls={a.behavior_class} />}
        {a?.is_traversal && <Chip tone="warn">traversal</Chip>}
        {a?.identity_id && <IdentityLink uuid={a.identity_id} />}
        <Link href="/attackers" className="push-right">
          All attackers
        </Link>
      </header>
      <ExportButtons
        label="Export this attacker"
        targets={[
          { label: "Export STIX 2.1", path: `/attackers/${encodeURIComponent(uuid)}/export/stix` },
          { label: "Export MISP", path: `/attackers/${encodeURIComponent(uuid)}/export/misp` },
        ]}
      />
      {!a && <p role="status">Loading…</p>}
      <div className="detail-grid">
        {a && <Origin a={a} />}
        <IntelPanel uuid={uuid} />
      </div>
      {a && <BehaviourCard behaviour={a.behaviour ?? null} />}
      <TechniquesCard uuid={uuid} />
      <SessionsCard uuid={uuid} />
      <SimilarAttackers uuid={uuid} />
      {a && (
        <>
          <Credentials a={a} />
          <Reuse a={a} onOpen={setReuseId} />
          <Targets a={a} />
          <Fingerprints a={a} />
          <SmtpTargets a={a} />
        </>
      )}
      <Observations uuid={uuid} />
      <Timeline uuid={uuid} />
      {reuseId && <ReuseDrawer id={reuseId} onClose={() => setReuseId(null)} />}
    </section>
  );
}

function Origin({ a }: { a: AttackerDetail }) {
  return (
    <div className="card" role="region" aria-labelledby="origin-title">
      <h2 id="origin-title">Origin</h2>
      <dl className="facts">
        <div>
          <dt>Country</dt>
          <dd>{a.country_code ? `${flag(a.country_code)} ${a.country_code}` : <span className="muted">unknown</span>}</dd>
        </div>
        <div>
          <dt>AS</dt>
          <dd>
            {a.asn ? `AS${a.asn} ${a.as_name ?? ""}` : <span className="muted">unknown</span>}
            {a.bgp_prefix && <span className="muted"> · {a.bgp_prefix}</span>}
            {a.rpki_status && <span className="muted"> · RPKI {a.rpki_status}</span>}
          </dd>
        </div>
        <div>
          <dt>Reverse DNS</dt>
          <dd>{a.ptr_record ?? <span className="muted">none</span>}</dd>
        </div>
        <div>
          <dt>Seen</dt>
          <dd>
            <Time value={a.first_seen} /> → <Time value={a.last_seen} />
          </dd>
        </div>
        <div>
          <dt>Activity</dt>
          <dd>
            {formatCount(a.event_count)} events · {formatCount(a.decky_count)} deckies · {formatCount(a.service_count)} services
          </dd>
        </div>
        {a.traversal_path && (
          <div>
            <dt>Path</dt>
            <dd>{a.traversal_path}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

function Credentials({ a }: { a: AttackerDetail }) {
  const columns: Column<AttackerDetail["credentials"][number]>[] = [
    { key: "principal", header: "Principal", render: (c) => c.principal ?? <span className="muted">—</span> },
    { key: "secret", header: "Secret", render: (c) => (c.secret_printable !== null ? <code className="secret">{c.secret_printable}</code> : <code title={c.secret_sha256}>{shortHash(c.secret_sha256)}</code>) },
    { key: "kind", header: "Kind", render: (c) => c.secret_kind },
    { key: "target", header: "Target", render: (c) => `${c.decky_name}:${c.service}` },
    { key: "attempts", header: "Attempts", className: "num", render: (c) => formatCount(c.attempt_count) },
    { key: "last", header: "Last seen", render: (c) => <Time value={c.last_seen} /> },
  ];
  return (
    <div className="card">
      <h2>
        Credentials tried <span className="muted">({formatCount(a.credentials_total)})</span>
      </h2>
      <DataTable caption="Credentials tried" columns={columns} rows={a.credentials} rowKey={(c) => c.id} empty="No credentials from this address." />
    </div>
  );
}

function Reuse({ a, onOpen }: { a: AttackerDetail; onOpen: (id: string) => void }) {
  const columns: Column<AttackerDetail["credential_reuse"][number]>[] = [
    {
      key: "secret",
      header: "Secret",
      render: (r) => (
        <button type="button" className="link" onClick={() => onOpen(r.id)} aria-label={`Inspect reuse of ${r.secret_printable ?? shortHash(r.secret_sha256)}`}>
          {r.secret_printable ?? shortHash(r.secret_sha256)}
        </button>
      ),
    },
    { key: "principal", header: "Principal", render: (r) => r.principal ?? "—" },
    { key: "targets", header: "Targets", className: "num", render: (r) => formatCount(r.target_count) },
    { key: "attackers", header: "Attackers", className: "num", render: (r) => formatCount(r.attacker_ip_count) },
    { key: "last", header: "Last seen", render: (r) => <Time value={r.last_seen} relative /> },
  ];
  return (
    <div className="card">
      <h2>Credential reuse</h2>
      <DataTable caption="Credential reuse findings" columns={columns} rows={a.credential_reuse} rowKey={(r) => r.id} empty="None of this attacker's secrets was seen on several targets." />
    </div>
  );
}

// The server lists at most this many targets (store::kMaxTargetsShown), most recent first.
const MAX_TARGETS_SHOWN = 200;

function Targets({ a }: { a: AttackerDetail }) {
  const columns: Column<AttackerDetail["targets"][number]>[] = [
    { key: "decky", header: "Decky", render: (t) => t.decky },
    { key: "service", header: "Service", render: (t) => t.service },
    { key: "events", header: "Events", className: "num", render: (t) => formatCount(t.event_count) },
    { key: "first", header: "First", render: (t) => <Time value={t.first_seen} /> },
    { key: "last", header: "Last", render: (t) => <Time value={t.last_seen} /> },
  ];
  return (
    <div className="card">
      <h2>
        Deckies and services touched
        {a.targets.length >= MAX_TARGETS_SHOWN && <span className="muted"> (the {MAX_TARGETS_SHOWN} most recent)</span>}
      </h2>
      <DataTable caption="Targets" columns={columns} rows={a.targets} rowKey={(t) => `${t.decky}:${t.service}`} />
    </div>
  );
}

function Fingerprints({ a }: { a: AttackerDetail }) {
  const columns: Column<AttackerDetail["fingerprint_states"][number]>[] = [
    { key: "type", header: "Probe", render: (f) => f.probe_type },
    { key: "port", header: "Port", className: "num", render: (f) => f.port },
    { key: "hash", header: "Current hash", render: (f) => <code title={f.last_hash}>{shortHash(f.last_hash, 24)}</code> },
    { key: "rot", header: "Rotations", className: "num", render: (f) => formatCount(f.rotation_count) },
    { key: "seen", header: "Last seen", render: (f) => <Time value={f.last_seen} /> },
  ];
  return (
    <div className="card">
      <h2>
        Fingerprints <span className="muted">({formatCount(a.rotation_count)} rotations)</span>
      </h2>
      <DataTable caption="Fingerprints" columns={columns} rows={a.fingerprint_states} rowKey={(f) => f.uuid} empty="No active probe fingerprinted this address." />
    </div>
  );
}

function SmtpTargets({ a }: { a: AttackerDetail }) {
  const columns: Column<AttackerDetail["smtp_targets"][number]>[] = [
    { key: "domain", header: "Recipient domain", render: (t) => t.domain },
    { key: "count", header: "Messages", className: "num", render: (t) => formatCount(t.count) },
    { key: "last", header: "Last", render: (t) => <Time value={t.last_seen} /> },
  ];
  return (
    <div className="card">
      <h2>SMTP targets</h2>
      <DataTable caption="SMTP targets" columns={columns} rows={a.smtp_targets} rowKey={(t) => t.domain} empty="No mail relayed through a decky." />
    </div>
  );
}

function Observations({ uuid }: { uuid: string }) {
  const obs = useApi((signal) => api.get<ObservationSeries[]>(`/attackers/${encodeURIComponent(uuid)}/observations`, undefined, signal), [uuid]);
  const columns: Column<ObservationSeries>[] = [
    { key: "primitive", header: "Primitive", render: (o) => <code>{o.primitive}</code> },
    { key: "value", header: "Latest value", render: (o) => <code>{JSON.stringify(o.value)}</code> },
    { key: "conf", header: "Confidence", className: "num", render: (o) => `${Math.round(o.confidence * 100)} %` },
    {
      key: "trend",
      header: "Trend",
      render: (o) => <Sparkline values={o.series.map((p) => (typeof p.value === "number" ? p.value : p.confidence))} label={`${o.primitive} over ${o.series.length} observations`} />,
    },
    { key: "ts", header: "Observed", render: (o) => <Time value={o.ts} /> },
  ];
  return (
    <div className="card">
      <h2>Behavioural observations</h2>
      <DataTable caption="Observations per primitive" columns={columns} rows={obs.data} rowKey={(o) => o.primitive} loading={obs.loading} error={obs.error} onRetry={obs.reload} empty="No behavioural observation for this attacker yet." />
    </div>
  );
}

function Timeline({ uuid }: { uuid: string }) {
  const [limit, setLimit] = useState(50);
  const events = useApi((signal) => api.get<Page<LogRow>>(`/attackers/${encodeURIComponent(uuid)}/events`, { limit }, signal), [uuid, limit]);
  const columns: Column<LogRow>[] = [
    { key: "time", header: "Time", render: (e) => <Time value={e.timestamp} /> },
    { key: "where", header: "Target", render: (e) => `${e.decky}:${e.service}` },
    { key: "type", header: "Event", render: (e) => e.event_type },
    { key: "msg", header: "Detail", render: (e) => <span className="clip" title={e.raw_line}>{e.msg ?? Object.entries(e.fields).filter(([k]) => k !== "secret_b64").map(([k, v]) => `${k}=${v}`).join(" ")}</span> },
  ];
  return (
    <div className="card">
      <h2>
        Event timeline {events.data && <span className="muted">({formatCount(events.data.total)})</span>}
      </h2>
      <DataTable caption="Events, newest first" columns={columns} rows={events.data?.data ?? null} rowKey={(e) => e.id} loading={events.loading} error={events.error} onRetry={events.reload} />
      {events.data && events.data.total > limit && (
        <button type="button" onClick={() => setLimit((l) => Math.min(l + 200, 1000))}>
          Show more
        </button>
      )}
    </div>
  );
}
