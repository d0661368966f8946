// One subscription's recent delivery attempts and its dead letters (events that exhausted their
// retries), which an admin can send again byte for byte.
import { useState } from "react";
import { api, errorText } from "../api/client";
import type { Webhook, WebhookDeadLetter, WebhookDelivery } from "../api/types";
import { Chip } from "../components/Chip";
import { DataTable, type Column } from "../components/DataTable";
import { Drawer } from "../components/Drawer";
import { Time } from "../components/Time";
import { useApi } from "../lib/useApi";

export function WebhookDetail({ hook, onClose }: { hook: Webhook; onClose: () => void }) {
  const base = `/webhooks/${hook.uuid}`;
  const deliveries = useApi((signal) => api.get<{ total: number; data: WebhookDelivery[] }>(`${base}/deliveries`, { limit: 50 }, signal), [base]);
  const dead = useApi((signal) => api.get<{ total: number; data: WebhookDeadLetter[] }>(`${base}/dead-letters`, { limit: 100 }, signal), [base]);
  const [message, setMessage] = useState<string | null>(null);

  const redeliver = async (d: WebhookDeadLetter) => {
    try {
      const r = await api.post<{ delivered?: boolean; status_code?: number | null; error?: string | null }>(`${base}/dead-letters/${d.id}/redeliver`);
      setMessage(r.delivered ? `Event ${d.event_id} delivered (${r.status_code}).` : `Event ${d.event_id} not delivered: ${r.error ?? r.status_code}.`);
      dead.reload();
      deliveries.reload();
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const deliveryColumns: Column<WebhookDelivery>[] = [
    { key: "time", header: "Time", render: (d) => <Time value={d.created_at} /> },
    { key: "topic", header: "Topic", render: (d) => <code>{d.topic}</code> },
    { key: "attempt", header: "Attempt", className: "num", render: (d) => d.attempt },
    { key: "result", header: "Result", render: (d) => (d.delivered ? <Chip tone="good">{d.status_code}</Chip> : <Chip tone="bad">{d.status_code ?? "error"}</Chip>) },
    { key: "latency", header: "Latency", className: "num", render: (d) => (d.latency_ms !== null ? `${d.latency_ms} ms` : "—") },
    { key: "error", header: "Error", render: (d) => <span className="clip">{d.error ?? ""}</span> },
  ];
  const deadColumns: Column<WebhookDeadLetter>[] = [
    { key: "time", header: "Failed", render: (d) => <Time value={d.created_at} /> },
    { key: "topic", header: "Topic", render: (d) => <code>{d.topic}</code> },
    { key: "error", header: "Last error", render: (d) => <span className="clip">{d.last_error ?? ""}</span> },
    {
      key: "action",
      header: <span className="sr-only">Actions</span>,
      render: (d) =>
        d.redelivered_at ? (
          <span className="muted">
            redelivered <Time value={d.redelivered_at} relative />
          </span>
        ) : (
          <button type="button" onClick={() => void redeliver(d)} aria-label={`Redeliver event ${d.event_id}`}>
            Redeliver
          </button>
        ),
    },
  ];

  return (
    <Drawer title={`Webhook ${hook.name}`} onClose={onClose}>
      <p className="mono clip">{hook.url}</p>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <h3>Dead letters {dead.data && <span className="muted">({dead.data.total})</span>}</h3>
      <DataTable caption="Dead letters" columns={deadColumns} rows={dead.data?.data ?? null} rowKey={(d) => d.id} loading={dead.loading} error={dead.error} onRetry={dead.reload} empty="No event is waiting for redelivery." />
      <h3>Recent deliveries</h3>
      <DataTable caption="Delivery attempts" columns={deliveryColumns} rows={deliveries.data?.data ?? null} rowKey={(d) => d.id} loading={deliveries.loading} error={deliveries.error} onRetry={deliveries.reload} empty="Nothing delivered yet." />
    </Drawer>
  );
}
