// Captured secrets. Reuse findings come first (a secret tried on several targets is what points
// at a credential list or a single actor behind many addresses); below them every captured
// credential, filterable and paginated by the server.
import { useState } from "react";
import { api } from "../api/client";
import type { Credential, Page, ReuseFinding } from "../api/types";
import { DataTable, type Column } from "../components/DataTable";
import { Drawer } from "../components/Drawer";
import { Pager } from "../components/Pager";
import { Time } from "../components/Time";
import { formatCount, shortHash } from "../lib/format";
import { Link, setQuery, useLocation } from "../lib/router";
import { useApi } from "../lib/useApi";
import { ReuseDrawer } from "./ReuseDrawer";

const LIMIT = 50;

function SecretText({ printable, sha256 }: { printable: string | null; sha256: string }) {
  return printable !== null ? <code className="secret">{printable}</code> : <code title={sha256}>{shortHash(sha256)}</code>;
}

export function CredentialsPage() {
  const location = useLocation();
  const q = (k: string) => location.query.get(k) ?? "";
  const reuseOffset = Math.max(0, Number(q("reuse_offset")) || 0);
  const offset = Math.max(0, Number(q("offset")) || 0);
  const [reuseId, setReuseId] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const reuse = useApi((signal) => api.get<Page<ReuseFinding>>("/credential-reuse", { limit: 20, offset: reuseOffset }, signal), [reuseOffset]);
  const creds = useApi(
    (signal) => api.get<Page<Credential>>("/credentials", { principal: q("principal"), service: q("service"), secret_kind: q("kind"), limit: LIMIT, offset }, signal),
    [q("principal"), q("service"), q("kind"), offset],
  );

  const reuseColumns: Column<ReuseFinding>[] = [
    {
      key: "secret",
      header: "Secret",
      render: (r) => (
        <button type="button" className="link" onClick={() => setReuseId(r.id)} aria-label={`Inspect reuse of ${r.secret_printable ?? r.secret_sha256}`}>
          <SecretText printable={r.secret_printable} sha256={r.secret_sha256} />
        </button>
      ),
    },
    { key: "kind", header: "Kind", render: (r) => r.secret_kind },
    { key: "principal", header: "Principal", render: (r) => r.principal ?? "—" },
    { key: "targets", header: "Targets", className: "num", render: (r) => formatCount(r.target_count) },
    { key: "attackers", header: "Attackers", className: "num", render: (r) => formatCount(r.attacker_ip_count) },
    { key: "attempts", header: "Attempts", className: "num", render: (r) => formatCount(r.attempt_count) },
    { key: "last", header: "Last seen", render: (r) => <Time value={r.last_seen} relative /> },
  ];
  const credColumns: Column<Credential>[] = [
    {
      key: "secret",
      header: "Secret",
      render: (c) => (
        <button type="button" className="link" onClick={() => setSecret(c.secret_sha256)} aria-label={`Every use of ${c.secret_printable ?? c.secret_sha256}`}>
          <SecretText printable={c.secret_printable} sha256={c.secret_sha256} />
        </button>
      ),
    },
    { key: "kind", header: "Kind", render: (c) => c.secret_kind },
    { key: "principal", header: "Principal", render: (c) => c.principal ?? "—" },
    { key: "attempts", header: "Attempts", className: "num", render: (c) => formatCount(c.attempt_count) },
    { key: "target", header: "Target", render: (c) => `${c.decky_name}:${c.service}` },
    { key: "attacker", header: "Attacker", render: (c) => (c.attacker_uuid ? <Link href={`/attackers/${c.attacker_uuid}`} className="mono">{c.attacker_ip}</Link> : c.attacker_ip) },
    { key: "last", header: "Last seen", render: (c) => <Time value={c.last_seen} /> },
  ];

  return (
    <section aria-labelledby="creds-title">
      <header className="page-head">
        <h1 id="creds-title">Credentials</h1>
      </header>
      <div className="card">
        <h2>Reused secrets {reuse.data && <span className="muted">({formatCount(reuse.data.total)})</span>}</h2>
        <DataTable caption="Reuse findings" columns={reuseColumns} rows={reuse.data?.data ?? null} rowKey={(r) => r.id} loading={reuse.loading} error={reuse.error} onRetry={reuse.reload} empty="No secret has been seen on more than one target yet." />
        {reuse.data && <Pager total={reuse.data.total} limit={20} offset={reuseOffset} onChange={(o) => setQuery({ reuse_offset: o || null })} />}
      </div>
      <div className="card">
        <h2>Captured credentials {creds.data && <span className="muted">({formatCount(creds.data.total)})</span>}</h2>
        <div className="toolbar">
          <FilterInput label="Principal" name="principal" value={q("principal")} />
          <FilterInput label="Service" name="service" value={q("service")} />
          <FilterInput label="Kind" name="kind" value={q("kind")} />
        </div>
        <DataTable caption="Captured credentials" columns={credColumns} rows={creds.data?.data ?? null} rowKey={(c) => c.id} loading={creds.loading} error={creds.error} onRetry={creds.reload} empty="No credential matches." />
        {creds.data && <Pager total={creds.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} />}
      </div>
      {reuseId && <ReuseDrawer id={reuseId} onClose={() => setReuseId(null)} />}
      {secret && <SecretDrawer sha256={secret} onClose={() => setSecret(null)} />}
    </section>
  );
}

function FilterInput({ label, name, value }: { label: string; name: string; value: string }) {
  const apply = (v: string) => v.trim() !== value && setQuery({ [name]: v.trim(), offset: null });
  return (
    <label>
      {label}
      <input key={value} defaultValue={value} size={14} onBlur={(e) => apply(e.target.value)} onKeyDown={(e) => e.key === "Enter" && apply(e.currentTarget.value)} />
    </label>
  );
}

function SecretDrawer({ sha256, onClose }: { sha256: string; onClose: () => void }) {
  const uses = useApi((signal) => api.get<Page<Credential>>(`/credentials/secret/${sha256}`, { limit: 200 }, signal), [sha256]);
  const first = uses.data?.data[0];
  const columns: Column<Credential>[] = [
    { key: "attacker", header: "Attacker", render: (c) => (c.attacker_uuid ? <Link href={`/attackers/${c.attacker_uuid}`} className="mono">{c.attacker_ip}</Link> : c.attacker_ip) },
    { key: "principal", header: "Principal", render: (c) => c.principal ?? "—" },
    { key: "target", header: "Target", render: (c) => `${c.decky_name}:${c.service}` },
    { key: "attempts", header: "Attempts", className: "num", render: (c) => formatCount(c.attempt_count) },
    { key: "last", header: "Last seen", render: (c) => <Time value={c.last_seen} /> },
  ];
  return (
    <Drawer title="Every use of this secret" onClose={onClose}>
      {first && (
        <p>
          <SecretText printable={first.secret_printable} sha256={sha256} /> <span className="muted">({first.secret_kind})</span>
        </p>
      )}
      <p>
        <code className="hash">{sha256}</code>
      </p>
      <DataTable caption="Uses of the secret" columns={columns} rows={uses.data?.data ?? null} rowKey={(c) => c.id} loading={uses.loading} error={uses.error} onRetry={uses.reload} />
    </Drawer>
  );
}
