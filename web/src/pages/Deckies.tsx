// The fleet on this host: every deployed decky with its state, address, services and last
// heartbeat, and a deploy dialog that takes the reference's INI (a dry run shows the plan
// first). A decky's own page changes its services, their settings and its tarpit.
import { useState, type FormEvent } from "react";
import { api, ApiError, errorText } from "../api/client";
import type { Decky, DeployResult } from "../api/types";
import { DeckyStateChip } from "../components/Chip";
import { DataTable, type Column } from "../components/DataTable";
import { Drawer } from "../components/Drawer";
import { Time } from "../components/Time";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

const EXAMPLE = "[general]\nnet = 10.213.0.0/24\ngw = 10.213.0.1\n\n[web-01]\nservices = http, ssh\n";

export function DeckiesPage({ isAdmin }: { isAdmin: boolean }) {
  const fleet = useApi((signal) => api.get<Decky[]>("/deckies", undefined, signal), []);
  const [deploying, setDeploying] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const columns: Column<Decky>[] = [
    { key: "name", header: "Decky", render: (d) => <Link href={`/deckies/${d.name}`}>{d.name}</Link> },
    { key: "state", header: "State", render: (d) => <DeckyStateChip state={d.state} error={d.last_error} /> },
    { key: "ip", header: "Address", render: (d) => <span className="mono">{d.ip}</span> },
    { key: "services", header: "Services", render: (d) => d.services.join(", ") },
    { key: "tarpit", header: "Tarpit", render: (d) => (d.tarpit ? `${d.tarpit.ports.join(", ")} (+${d.tarpit.delay_ms} ms)` : <span className="muted">—</span>) },
    { key: "updated", header: "Last change", render: (d) => <Time value={d.updated_at} relative /> },
  ];

  return (
    <section aria-labelledby="deckies-title">
      <header className="page-head">
        <h1 id="deckies-title">Deckies</h1>
        {isAdmin && (
          <button type="button" className="primary push-right" onClick={() => setDeploying(true)}>
            Deploy
          </button>
        )}
      </header>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <DataTable caption="Deployed deckies" columns={columns} rows={fleet.data} rowKey={(d) => d.name} loading={fleet.loading} error={fleet.error} onRetry={fleet.reload} empty="No decky deployed on this host: deploy an INI to start a fleet." />
      {deploying && (
        <DeployDialog
          onClose={() => setDeploying(false)}
          onDeployed={(result) => {
            setDeploying(false);
            setMessage(result.failures.length ? `${result.message}. Failed: ${result.failures.join("; ")}` : `${result.message}.`);
            fleet.reload();
          }}
        />
      )}
    </section>
  );
}

function DeployDialog({ onClose, onDeployed }: { onClose: () => void; onDeployed: (result: DeployResult) => void }) {
  const [ini, setIni] = useState(EXAMPLE);
  const [replace, setReplace] = useState(false);
  const [plan, setPlan] = useState<DeployResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<DeployResult>("/deckies/deploy", { ini_content: ini, replace_fleet: replace, dry_run: dryRun });
      if (dryRun) setPlan(result);
      else onDeployed(result);
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : errorText(e));
    }
    setBusy(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(false);
  };

  return (
    <Drawer title="Deploy deckies" onClose={onClose}>
      <form className="form-stack" onSubmit={submit}>
        <label>
          Deploy INI
          <textarea rows={12} className="mono" value={ini} onChange={(e) => setIni(e.target.value)} spellCheck={false} required />
        </label>
        <label className="inline">
          <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> Replace the fleet (tear every deployed decky down first)
        </label>
        {plan && (
          <table aria-label="Plan">
            <caption>
              {plan.plan.deckies.length} deckies on {plan.plan.subnet} through {plan.plan.gateway}
            </caption>
            <thead>
              <tr>
                <th>Decky</th>
                <th>Address</th>
                <th>Services</th>
              </tr>
            </thead>
            <tbody>
              {plan.plan.deckies.map((d) => (
                <tr key={d.name}>
                  <td>{d.name}</td>
                  <td className="mono">{d.ip}</td>
                  <td>{d.services.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={() => void send(true)} disabled={busy}>
            Show plan
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Deploying…" : "Deploy"}
          </button>
        </div>
      </form>
    </Drawer>
  );
}
