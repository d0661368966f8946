// The ATT&CK techniques seen in one scope (an attacker, a session), most seen first: each names
// the technique (or sub-technique) and its tactic and opens the inspector with the tags behind
// it; a link goes to its ATT&CK page.
import { useState } from "react";
import { ApiError, fetchTechniques } from "../api/client";
import type { TechniqueRow, TechniqueScope } from "../api/types";
import { useApi } from "../lib/useApi";
import { Chip } from "./Chip";
import { TechniqueInspector, type InspectedTechnique } from "./TechniqueInspector";

export function techniqueLabel(row: Pick<TechniqueRow, "technique_id" | "technique_name" | "sub_technique_id" | "sub_technique_name">) {
  const id = row.sub_technique_id ?? row.technique_id;
  const name = row.sub_technique_name ?? row.technique_name;
  return name ? `${id} ${name}` : id;
}

export function inspected(row: TechniqueRow): InspectedTechnique {
  return { technique_id: row.technique_id, sub_technique_id: row.sub_technique_id, label: techniqueLabel(row) };
}

// The list itself, for a card or a session's row.
export function TechniqueList({ scope, id, label }: { scope: TechniqueScope; id: string; label: string }) {
  const techniques = useApi((signal) => fetchTechniques(scope, id, signal), [scope, id]);
  const [open, setOpen] = useState<InspectedTechnique | null>(null);
  if (techniques.error && !(techniques.error instanceof ApiError && techniques.error.status === 404))
    return (
      <p className="form-error" role="alert">
        Could not load techniques: {techniques.error.message}{" "}
        <button type="button" className="link" onClick={techniques.reload}>
          Retry
        </button>
      </p>
    );
  if (!techniques.data || techniques.loading) return <p role="status">Loading…</p>;
  if (techniques.data.length === 0) return <p className="muted">No ATT&amp;CK technique tagged yet.</p>;
  const rows = [...techniques.data].sort((a, b) => b.count - a.count || techniqueLabel(a).localeCompare(techniqueLabel(b)));
  return (
    <>
      <ul className="technique-list" aria-label={label}>
        {rows.map((row) => (
          <li key={`${row.technique_id}/${row.sub_technique_id ?? ""}`}>
            <button type="button" className="link mono" onClick={() => setOpen(inspected(row))}>
              {techniqueLabel(row)}
            </button>{" "}
            <Chip tone="info" title="tactic">
              {row.tactic}
            </Chip>{" "}
            <span className="muted">
              ×{row.count}, confidence {Math.round(row.confidence_max * 100)}%
            </span>{" "}
            {row.mitre_url && (
              <a href={row.mitre_url} target="_blank" rel="noreferrer noopener" aria-label={`${techniqueLabel(row)} on attack.mitre.org`}>
                ATT&amp;CK ↗
              </a>
            )}
          </li>
        ))}
      </ul>
      {open && <TechniqueInspector scope={scope} id={id} technique={open} onClose={() => setOpen(null)} />}
    </>
  );
}

export function TechniquesCard({ uuid }: { uuid: string }) {
  return (
    <div className="card" role="region" aria-labelledby="techniques-title">
      <h2 id="techniques-title">ATT&amp;CK techniques</h2>
      <TechniqueList scope="attacker" id={uuid} label="ATT&CK techniques" />
    </div>
  );
}
