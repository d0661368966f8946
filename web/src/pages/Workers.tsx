// Components of `decnet serve` (and other processes on the bus) by their last heartbeat: ok,
// stale after 90 s, unknown before the first one. Admins can ask a worker to stop.
import { useEffect, useState } from "react";
import { api, errorText } from "../api/client";
import type { Workers, Worker } from "../api/types";
import { Chip, WorkerStatusChip } from "../components/Chip";
import { useConfirm } from "../components/ConfirmDialog";
import { DataTable, type Column } from "../components/DataTable";
import { Time } from "../components/Time";
import { useApi } from "../lib/useApi";

export function WorkersPage({ isAdmin }: { isAdmin: boolean }) {
  const [tick, setTick] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const confirm = useConfirm();
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), 5000);
    return () => window.clearInterval(timer);
  }, []);
  const workers = useApi((signal) => api.get<Workers>("/workers", undefined, signal), [tick]);

  const stop = async (w: Worker) => {
    if (!(await confirm({ title: `Stop ${w.name}?`, message: `The worker is asked to shut down; it stays stopped until it is started again.`, action: "Stop" }))) return;
    try {
      await api.post(`/workers/${encodeURIComponent(w.name)}/stop`);
      setMessage(`Stop requested for ${w.name}.`);
      window.setTimeout(() => setTick((t) => t + 1), 1500);
    } catch (e) {
      setMessage(errorText(e));
    }
  };

  const columns: Column<Worker>[] = [
    { key: "name", header: "Worker", render: (w) => <code>{w.name}</code> },
    { key: "status", header: "Status", render: (w) => <WorkerStatusChip status={w.status} /> },
    { key: "beat", header: "Last heartbeat", render: (w) => <Time value={w.last_heartbeat_ts} relative /> },
    {
      key: "detail",
      header: "Detail",
      render: (w) => (
        <span className="clip">
          {Object.entries(w.extra ?? {})
            .filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean")
            .slice(0, 6)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(" · ")}
        </span>
      ),
    },
  ];
  if (isAdmin) {
    columns.push({
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      render: (w) => (
        <button type="button" className="danger" onClick={() => void stop(w)} aria-label={`Stop ${w.name}`}>
          Stop
        </button>
      ),
    });
  }

  return (
    <section aria-labelledby="workers-title">
      <header className="page-head">
        <h1 id="workers-title">Workers and health</h1>
        {workers.data && <Chip tone={workers.data.bus_connected ? "good" : "bad"}>bus {workers.data.bus_connected ? "connected" : "down"}</Chip>}
      </header>
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      <DataTable caption="Workers" columns={columns} rows={workers.data?.workers ?? null} rowKey={(w) => w.name} loading={workers.loading} error={workers.error} onRetry={workers.reload} empty="No worker has reported yet." />
    </section>
  );
}
