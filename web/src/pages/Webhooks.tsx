// Webhook subscriptions that push events to SIEMs. Tripped subscriptions (circuit breaker open
// after consecutive failures) are counted in the header and marked red; re-enabling one resets
// its breaker on the server.
import { useState } from "react";
import { api, errorText } from "../api/client";
import type { Webhook, WebhookTestOutcome } from "../api/types";
import { Chip, WebhookStateChip } from "../components/Chip";
import { useConfirm } from "../components/ConfirmDialog";
import { DataTable, type Column } from "../components/DataTable";
import { SecretReveal } from "../components/SecretReveal";
import { Time } from "../components/Time";
import { useApi } from "../lib/useApi";
import { WebhookDetail } from "./WebhookDetail";
import { WebhookForm } from "./WebhookForm";

export function WebhooksPage() {
  const hooks = useApi((signal) => api.get<Webhook[]>("/webhooks", undefined, signal), []);
  const [editing, setEditing] = useState<Webhook | "new" | null>(null);
  const [inspecting, setInspecting] = useState<Webhook | null>(null);
  const [revealed, setRevealed] = useState<{ name: string; secret: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const confirm = useConfirm();
  const tripped = (hooks.data ?? []).filter((h) => h.state === "tripped").length;

  const act = async (what: () => Promise<unknown>, done: string) => {
    setMessage(null);
    try {
      await what();
      setMessage(done);
      hooks.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const test = async (h: Webhook) => {
    setMessage(`Sending a test event to ${h.name}…`);
    try {
      const r = await api.post<WebhookTestOutcome>(`/webhooks/${h.uuid}/test`);
      setMessage(r.delivered ? `${h.name}: receiver answered ${r.status_code}.` : `${h.name}: not delivered (${r.status_code ?? r.error ?? "no answer"}).`);
      hooks.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const remove = async (h: Webhook) => {
    if (!(await confirm({ title: `Delete ${h.name}?`, message: "The subscription, its delivery log and its dead letters are removed. This cannot be undone.", action: "Delete" }))) return;
    await act(() => api.delete(`/webhooks/${h.uuid}`), `${h.name} deleted.`);
  };

  const columns: Column<Webhook>[] = [
    {
      key: "name",
      header: "Name",
      render: (h) => (
        <button type="button" className="link" onClick={() => setInspecting(h)} aria-label={`Deliveries of ${h.name}`}>
          {h.name}
        </button>
      ),
    },
    {
      key: "url",
      header: "URL",
      render: (h) => (
        <span>
          <span className="clip mono">{h.url}</span>
          {h.warnings.some((w) => w.startsWith("insecure_url")) && (
            <Chip tone="warn" title="Plain http: events travel unencrypted">
              insecure
            </Chip>
          )}
        </span>
      ),
    },
    { key: "patterns", header: "Patterns", render: (h) => h.topic_patterns.map((p) => <code key={p} className="pattern">{p}</code>) },
    { key: "state", header: "State", render: (h) => <WebhookStateChip state={h.state} trippedAt={h.auto_disabled_at} /> },
    {
      key: "last",
      header: "Last delivery",
      render: (h) => (
        <span>
          {h.last_success_at ? <Time value={h.last_success_at} relative /> : <span className="muted">never</span>}
          {h.last_error && (
            <span className="warn-text clip" title={h.last_error}>
              failed <Time value={h.last_failure_at} relative />: {h.last_error}
            </span>
          )}
        </span>
      ),
    },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (h) => (
        <span className="actions">
          <button type="button" onClick={() => setEditing(h)} aria-label={`Edit ${h.name}`}>
            Edit
          </button>
          <button type="button" onClick={() => void test(h)} aria-label={`Test ${h.name}`}>
            Test
          </button>
          {h.enabled ? (
            <button type="button" onClick={() => void act(() => api.patch(`/webhooks/${h.uuid}`, { enabled: false }), `${h.name} paused.`)} aria-label={`Pause ${h.name}`}>
              Pause
            </button>
          ) : (
            <button type="button" onClick={() => void act(() => api.patch(`/webhooks/${h.uuid}`, { enabled: true }), `${h.name} enabled.`)} aria-label={`${h.state === "tripped" ? "Reset and enable" : "Enable"} ${h.name}`}>
              {h.state === "tripped" ? "Reset and enable" : "Enable"}
            </button>
          )}
          <button type="button" className="danger" aria-label={`Delete ${h.name}`} onClick={() => void remove(h)}>
            Delete
          </button>
        </span>
      ),
    },
  ];

  return (
    <section aria-labelledby="webhooks-title">
      <header className="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
        {tripped > 0 && (
          <Chip tone="bad" title="Subscriptions disabled by their circuit breaker">
            <span data-testid="tripped-count">{tripped}</span> tripped
          </Chip>
        )}
        <button type="button" className="primary push-right" onClick={() => setEditing("new")}>
          New webhook
        </button>
      </header>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {revealed && <SecretReveal title={`Signing secret of ${revealed.name}`} secret={revealed.secret} onDismiss={() => setRevealed(null)} />}
      <DataTable caption="Webhook subscriptions" columns={columns} rows={hooks.data} rowKey={(h) => h.uuid} loading={hooks.loading} error={hooks.error} onRetry={hooks.reload} empty="No subscription yet: create one to push events to a SIEM." />
      {editing && (
        <WebhookForm
          existing={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            if (saved.secret) setRevealed({ name: saved.name, secret: saved.secret });
            setMessage(`${saved.name} saved.`);
            hooks.reload();
          }}
        />
      )}
      {inspecting && <WebhookDetail hook={inspecting} onClose={() => setInspecting(null)} />}
    </section>
  );
}
