// Downloads of exports the API builds (a Navigator layer, a STIX 2.1 bundle, a MISP event): one
// button each, with what happened said next to them.
import { useState } from "react";
import { api } from "../api/client";

export interface ExportTarget {
  label: string; // the button's text
  path: string; // under /api/v1
}

export function ExportButtons({ targets, label }: { targets: ExportTarget[]; label: string }) {
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (t: ExportTarget) => {
    setBusy(true);
    setStatus(null);
    try {
      const name = await api.download(t.path);
      setStatus({ error: false, text: `Downloaded ${name}` });
    } catch (e) {
      setStatus({ error: true, text: `${t.label} failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="export-buttons" role="group" aria-label={label}>
      {targets.map((t) => (
        <button key={t.path} type="button" disabled={busy} onClick={() => void run(t)}>
          {t.label}
        </button>
      ))}
      {status && (
        <span role="status" className={status.error ? "form-error" : "muted"}>
          {status.text}
        </span>
      )}
    </div>
  );
}
