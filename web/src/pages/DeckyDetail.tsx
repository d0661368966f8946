// One deployed decky: its services with their ports and connection counts from the decky's own
// heartbeat, each added, removed or reconfigured live (the form is built from the service's
// schema; secrets are shown masked and left unchanged unless typed again), its tarpit, and its
// most recent events.
import { useState } from "react";
import { api, errorText } from "../api/client";
import type { Decky, LogRow, Page, TarpitStatus } from "../api/types";
import { DeckyStateChip } from "../components/Chip";
import { useConfirm } from "../components/ConfirmDialog";
import { DataTable, type Column } from "../components/DataTable";
import { Time } from "../components/Time";
import { Link, navigate } from "../lib/router";
import { useApi } from "../lib/useApi";
import { ServiceConfigForm } from "./ServiceConfigForm";

interface ServiceRow {
  name: string;
  ports: number[];
  accepted: number | null;
  open: number | null;
}

export function DeckyDetailPage({ name, isAdmin }: { name: string; isAdmin: boolean }) {
  const path = `/deckies/${encodeURIComponent(name)}`;
  const decky = useApi((signal) => api.get<Decky>(path, undefined, signal), [path]);
  const registry = useApi((signal) => api.get<{ services: string[] }>("/topologies/services", undefined, signal), []);
  const events = useApi((signal) => api.get<Page<LogRow>>("/logs", { decky: name, limit: 20 }, signal), [name]);
  const tarpit = useApi((signal) => api.get<TarpitStatus>(`${path}/tarpit`, undefined, signal).catch(() => null), [path]);
  const [adding, setAdding] = useState("");
  const [configuring, setConfiguring] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [ports, setPorts] = useState("22");
  const [delay, setDelay] = useState(5000);
  const confirm = useConfirm();

  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await what();
      setMessage(done);
      decky.reload();
      tarpit.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
    setBusy(false);
  };

  const d = decky.data;
  if (decky.error && !d) {
    return (
      <section>
        <h1>{name}</h1>
        <p role="alert">{errorText(decky.error)}</p>
        <Link href="/deckies">Back to the fleet</Link>
      </section>
    );
  }
  const beat = d?.heartbeat?.services ?? {};
  const rows: ServiceRow[] = (d?.services ?? []).map((s) => ({ name: s, ports: beat[s]?.ports ?? [], accepted: beat[s]?.accepted ?? null, open: beat[s]?.open ?? null }));
  const addable = (registry.data?.services ?? []).filter((s) => !d?.services.includes(s));

  const columns: Column<ServiceRow>[] = [
    { key: "name", header: "Service", render: (s) => s.name },
    { key: "ports", header: "Ports", render: (s) => <span className="mono">{s.ports.join(", ") || "—"}</span> },
    { key: "accepted", header: "Connections", render: (s) => (s.accepted === null ? <span className="muted">—</span> : `${s.accepted} (${s.open} open)`) },
  ];
  if (isAdmin) {
    columns.push({
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (s) => (
        <span className="actions">
          <button type="button" onClick={() => setConfiguring(s.name)} aria-label={`Configure ${s.name}`}>
            Configure
          </button>
          <button
            type="button"
            className="danger"
            disabled={busy || rows.length < 2}
            aria-label={`Remove ${s.name}`}
            onClick={async () => {
              if (!(await confirm({ title: `Remove ${s.name} from ${name}?`, message: "Its port closes and its open connections end; the decky's other services carry on.", action: "Remove" }))) return;
              await act(() => api.delete(`${path}/services/${s.name}`), `${s.name} removed.`);
            }}
          >
            Remove
          </button>
        </span>
      ),
    });
  }
  const eventColumns: Column<LogRow>[] = [
    { key: "time", header: "Time", render: (e) => <Time value={e.timestamp} /> },
    { key: "service", header: "Service", render: (e) => e.service },
    { key: "event", header: "Event", render: (e) => e.event_type },
    { key: "ip", header: "From", render: (e) => (e.attacker_uuid ? <Link href={`/attackers/${e.attacker_uuid}`}>{e.attacker_ip}</Link> : (e.attacker_ip ?? "—")) },
  ];

  return (
    <section aria-labelledby="decky-title">
      <header className="page-head">
        <h1 id="decky-title">{name}</h1>
        {d && <DeckyStateChip state={d.state} error={d.last_error} />}
        {d && <span className="mono">{d.ip}</span>}
        <Link href="/deckies">Fleet</Link>
        {isAdmin && d && (
          <button
            type="button"
            className="danger push-right"
            disabled={busy}
            onClick={async () => {
              if (!(await confirm({ title: `Tear ${name} down?`, message: "Its process, namespace and veth are removed; what it recorded stays.", action: "Tear down" }))) return;
              setBusy(true);
              try {
                await api.delete(path);
                navigate("/deckies");
              } catch (e) {
                setMessage(errorText(e));
                setBusy(false);
              }
            }}
          >
            Tear down
          </button>
        )}
      </header>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <DataTable caption="Services" columns={columns} rows={d ? rows : null} rowKey={(s) => s.name} loading={decky.loading} error={decky.error} onRetry={decky.reload} empty="No service." />
      {isAdmin && (
        <form
          className="inline-form"
          aria-label="Add a service"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void act(() => api.post(`${path}/services`, { name: adding, config: {} }), `${adding} added.`);
          }}
        >
          <label>
            Service to add
            <select value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">choose…</option>
              {addable.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || !adding}>
            Add service
          </button>
        </form>
      )}

      <section aria-labelledby="tarpit-title">
        <h2 id="tarpit-title">Tarpit</h2>
        {tarpit.data ? (
          <p>
            Ports {tarpit.data.rule.ports.join(", ")} answer after {tarpit.data.rule.delay_ms} ms; {tarpit.data.active_connections.length} connections held now
            {tarpit.data.active_connections.length > 0 && ` (${tarpit.data.active_connections.map((c) => `${c.ip} → ${c.port}`).join(", ")})`}.
          </p>
        ) : (
          <p className="muted">No tarpit: every port answers at once.</p>
        )}
        {isAdmin && (
          <form
            className="inline-form"
            aria-label="Tarpit settings"
            onSubmit={(e) => {
              e.preventDefault();
              const list = ports
                .split(",")
                .map((p) => Number(p.trim()))
                .filter((p) => p > 0);
              void act(() => api.post(`${path}/tarpit`, { ports: list, delay_ms: delay }), "Tarpit active.");
            }}
          >
            <label>
              Ports
              <input value={ports} onChange={(e) => setPorts(e.target.value)} placeholder="22, 23" />
            </label>
            <label>
              Delay per answer (ms)
              <input type="number" min={100} max={300000} value={delay} onChange={(e) => setDelay(Number(e.target.value))} />
            </label>
            <button type="submit" disabled={busy}>
              Set tarpit
            </button>
            {tarpit.data && (
              <button type="button" disabled={busy} onClick={() => void act(() => api.delete(`${path}/tarpit`), "Tarpit removed.")}>
                Remove tarpit
              </button>
            )}
          </form>
        )}
      </section>

      <DataTable caption="Recent events" columns={eventColumns} rows={events.data?.data ?? null} rowKey={(e) => e.id} loading={events.loading} error={events.error} onRetry={events.reload} empty="Nothing has touched this decky yet." />
      {configuring && d && (
        <ServiceConfigForm
          decky={name}
          service={configuring}
          current={d.service_config[configuring] ?? {}}
          onClose={() => setConfiguring(null)}
          onSaved={(applied) => {
            setConfiguring(null);
            setMessage(applied ? `${configuring} restarted with its new settings.` : `${configuring}: settings saved for its next restart.`);
            decky.reload();
          }}
        />
      )}
    </section>
  );
}
