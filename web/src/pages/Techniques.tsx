// The fleet's ATT&CK matrix: tactics as columns in kill-chain order, each technique (or
// sub-technique) seen under its tactic, shaded by how often it was seen and labelled with the
// highest confidence of its tags. A cell opens the inspector with the tags behind it. The
// exports for other tools (ATT&CK Navigator, STIX 2.1, MISP) are here too.
import { useState } from "react";
import { fetchTechniques } from "../api/client";
import type { TechniqueRow } from "../api/types";
import { ExportButtons } from "../components/ExportButtons";
import { TechniqueInspector, type InspectedTechnique } from "../components/TechniqueInspector";
import { inspected, techniqueLabel } from "../components/Techniques";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

// Enterprise ATT&CK tactics in kill-chain order.
const TACTICS: [string, string][] = [
  ["TA0043", "Reconnaissance"],
  ["TA0042", "Resource Development"],
  ["TA0001", "Initial Access"],
  ["TA0002", "Execution"],
  ["TA0003", "Persistence"],
  ["TA0004", "Privilege Escalation"],
  ["TA0005", "Defense Evasion"],
  ["TA0006", "Credential Access"],
  ["TA0007", "Discovery"],
  ["TA0008", "Lateral Movement"],
  ["TA0009", "Collection"],
  ["TA0011", "Command and Control"],
  ["TA0010", "Exfiltration"],
  ["TA0040", "Impact"],
];

// 0..1 on a log scale, so one busy technique does not wash out the rest.
export function heat(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return Math.log1p(count) / Math.log1p(max);
}

function Cell({ row, max, onOpen }: { row: TechniqueRow; max: number; onOpen: () => void }) {
  const h = heat(row.count, max);
  const confidence = Math.round(row.confidence_max * 100);
  return (
    <button
      type="button"
      className="matrix-cell"
      style={{ background: `color-mix(in srgb, var(--bad) ${Math.round(15 + h * 70)}%, var(--panel-2))` }}
      onClick={onOpen}
      aria-label={`${techniqueLabel(row)}: ${row.count} tags, confidence up to ${confidence}%`}
    >
      <span className="mono">{row.sub_technique_id ?? row.technique_id}</span>
      <span className="matrix-name">{row.sub_technique_name ?? row.technique_name ?? ""}</span>
      <span className="matrix-meta">
        ×{row.count} · {confidence}%
      </span>
    </button>
  );
}

export function TechniquesPage() {
  const techniques = useApi((signal) => fetchTechniques("fleet", null, signal), []);
  const [open, setOpen] = useState<InspectedTechnique | null>(null);
  const rows = techniques.data ?? [];
  const max = rows.reduce((m, r) => Math.max(m, r.count), 0);
  const byTactic = new Map<string, TechniqueRow[]>();
  for (const r of rows) byTactic.set(r.tactic, [...(byTactic.get(r.tactic) ?? []), r]);
  const columns = TACTICS.filter(([id]) => byTactic.has(id));
  const unknown = [...byTactic.keys()].filter((t) => !TACTICS.some(([id]) => id === t));

  return (
    <section aria-labelledby="techniques-title">
      <header className="page-head">
        <h1 id="techniques-title">ATT&amp;CK</h1>
        <Link href="/techniques/rules" className="push-right">
          Rules
        </Link>
      </header>
      <ExportButtons
        label="Export the fleet"
        targets={[
          { label: "ATT&CK Navigator layer", path: "/ttp/export/navigator" },
          { label: "STIX 2.1 bundle", path: "/attackers/export/stix" },
          { label: "MISP events", path: "/attackers/export/misp" },
        ]}
      />
      <div className="card">
        {techniques.error && (
          <p className="form-error" role="alert">
            Could not load techniques: {techniques.error.message}{" "}
            <button type="button" className="link" onClick={techniques.reload}>
              Retry
            </button>
          </p>
        )}
        {!techniques.data && !techniques.error && <p role="status">Loading…</p>}
        {techniques.data && rows.length === 0 && <p className="muted">No ATT&amp;CK technique tagged yet.</p>}
        {rows.length > 0 && (
          <div className="matrix" role="region" aria-label="ATT&CK matrix">
            {[...columns, ...unknown.map((t): [string, string] => [t, t])].map(([id, name]) => (
              <div className="matrix-column" key={id} role="group" aria-label={name}>
                <h2 className="matrix-tactic">
                  {name} <span className="muted">{id}</span>
                </h2>
                {[...(byTactic.get(id) ?? [])]
                  .sort((a, b) => b.count - a.count)
                  .map((r) => (
                    <Cell key={`${r.technique_id}/${r.sub_technique_id ?? ""}`} row={r} max={max} onOpen={() => setOpen(inspected(r))} />
                  ))}
              </div>
            ))}
          </div>
        )}
      </div>
      {open && <TechniqueInspector scope="fleet" id={null} technique={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
