// One identity: its addresses on a shared timeline (when each was active), the fingerprints,
// payloads and endpoints that tie them together, and the attribution state of each behavioural
// primitive — with a warning when two or more of them look like several people at one keyboard.
import { api } from "../api/client";
import type { AttackerSummary, AttributionPrimitive, IdentityDetail } from "../api/types";
import { Chip, type Tone } from "../components/Chip";
import { CopyButton } from "../components/CopyButton";
import { DataTable, type Column } from "../components/DataTable";
import { Time } from "../components/Time";
import { TechniqueList } from "../components/Techniques";
import { addresses, flag, formatCount, parseTime, shortHash, shortId } from "../lib/format";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

const STATE_TONE: Record<AttributionPrimitive["state"], Tone> = {
  unknown: "neutral",
  stable: "good",
  drifting: "info",
  conflicted: "warn",
  multi_actor: "bad",
};

// Each address as a bar from its first to its last sighting, on one time axis.
export function AddressTimeline({ members }: { members: AttackerSummary[] }) {
  const spans = members
    .map((m) => ({ m, from: parseTime(m.first_seen)?.getTime() ?? 0, to: parseTime(m.last_seen)?.getTime() ?? 0 }))
    .sort((x, y) => x.from - y.from);
  if (spans.length === 0) return <p className="muted">No address yet.</p>;
  const start = Math.min(...spans.map((s) => s.from));
  const end = Math.max(...spans.map((s) => s.to), start + 1);
  const pct = (t: number) => ((t - start) / (end - start)) * 100;
  return (
    <ol className="timeline" aria-label="Addresses over time">
      {spans.map(({ m, from, to }) => (
        <li key={m.uuid} className="timeline-row">
          <Link href={`/attackers/${m.uuid}`} className="mono timeline-label">
            {flag(m.country_code)} {m.ip}
          </Link>
          <span className="timeline-track" aria-hidden="true">
            <span className="timeline-bar" style={{ left: `${pct(from)}%`, width: `${Math.max(0.8, pct(to) - pct(from))}%` }} />
          </span>
          <span className="timeline-when">
            <Time value={m.first_seen} /> → <Time value={m.last_seen} />
          </span>
        </li>
      ))}
    </ol>
  );
}

function ValueList({ title, values, hash = false }: { title: string; values: string[] | null; hash?: boolean }) {
  if (!values || values.length === 0) return null;
  return (
    <div>
      <h3>{title}</h3>
      <ul className="plain">
        {values.map((v) => (
          <li key={v}>
            <code title={v}>{hash ? shortHash(v, 16) : v}</code> <CopyButton text={v} label={`Copy ${title} ${v}`} />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function IdentityDetailPage({ uuid }: { uuid: string }) {
  const path = `/identities/${encodeURIComponent(uuid)}`;
  const detail = useApi((signal) => api.get<IdentityDetail>(path, undefined, signal), [path]);
  const i = detail.data;
  if (detail.error && !i) {
    return (
      <section>
        <h1>Identity</h1>
        <p className="form-error" role="alert">
          {detail.error.message}
        </p>
        <Link href="/identities">Back to identities</Link>
      </section>
    );
  }
  const attributionColumns: Column<AttributionPrimitive>[] = [
    { key: "primitive", header: "Primitive", render: (p) => <code>{p.primitive}</code> },
    { key: "state", header: "State", render: (p) => <Chip tone={STATE_TONE[p.state]}>{p.state.replace("_", " ")}</Chip> },
    { key: "value", header: "Current value", render: (p) => <code>{typeof p.current_value === "string" ? p.current_value : JSON.stringify(p.current_value)}</code> },
    { key: "confidence", header: "Confidence", className: "num", render: (p) => p.confidence.toFixed(2) },
    { key: "n", header: "Observations", className: "num", render: (p) => formatCount(p.observation_count) },
  ];
  const noEvidence = i && ![i.ja3_hashes, i.hassh_hashes, i.payload_hashes, i.c2_endpoints].some((v) => v && v.length > 0);
  return (
    <section aria-labelledby="identity-title">
      <header className="page-head">
        <h1 id="identity-title" className="mono">
          Identity {shortId(uuid)}
        </h1>
        {i && <Chip tone="info">{addresses(i.observation_count_live)}</Chip>}
        {i?.campaign_id && (
          <Link href={`/campaigns/${i.campaign_id}`}>Campaign {shortId(i.campaign_id)}</Link>
        )}
        <Link href="/identities" className="push-right">
          All identities
        </Link>
      </header>
      {!i && <p role="status">Loading…</p>}
      {i?.multi_actor_suspected && (
        <div className="card warn-card" role="alert">
          <strong>Several actors suspected.</strong> {i.multi_actor_primitives.length} behavioural primitives alternate between two patterns (
          {i.multi_actor_primitives.join(", ")}): more than one person, or one person and a script, may be behind this identity.
        </div>
      )}
      {i && (
        <>
          {i.uuid !== uuid && <p className="muted">Identity {shortId(uuid)} was merged into this one.</p>}
          <div className="card">
            <h2>Addresses</h2>
            <AddressTimeline members={i.members} />
            {i.observation_count_live > i.members.length && (
              <p className="muted">
                The {formatCount(i.members.length)} most recent of {formatCount(i.observation_count_live)}.
              </p>
            )}
          </div>
          <div className="card">
            <h2>What ties them together</h2>
            {noEvidence ? (
              <p className="muted">No shared fingerprint, payload or endpoint: a single address.</p>
            ) : (
              <div className="grid-2">
                <ValueList title="Client JA3" values={i.ja3_hashes} hash />
                <ValueList title="SSH server HASSH" values={i.hassh_hashes} hash />
                <ValueList title="Dropped files (SHA-256)" values={i.payload_hashes} hash />
                <ValueList title="Download and C2 endpoints" values={i.c2_endpoints} />
              </div>
            )}
          </div>
          <div className="card">
            <h2>Attribution</h2>
            <DataTable caption="Attribution state per behavioural primitive" columns={attributionColumns} rows={i.attribution} rowKey={(p) => p.primitive} loading={false} error={null} empty="No behavioural observation of this identity yet." />
          </div>
          <div className="card">
            <h2>Techniques</h2>
            <TechniqueList scope="identity" id={i.uuid} label="Techniques of this identity" />
          </div>
          <p className="muted">
            First seen <Time value={i.first_seen_at} />, last seen <Time value={i.last_seen_at} />.
          </p>
        </>
      )}
    </section>
  );
}
