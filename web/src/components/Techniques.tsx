// The ATT&CK techniques an attacker's actions were tagged with, most seen first: each a chip
// naming the technique (or sub-technique) and its tactic, linking to its ATT&CK page, with how
// often and how confidently it was seen.
import { ApiError, fetchAttackerTechniques } from "../api/client";
import type { TechniqueRow } from "../api/types";
import { useApi } from "../lib/useApi";
import { Chip } from "./Chip";

function techniqueLabel(row: TechniqueRow) {
  const id = row.sub_technique_id ?? row.technique_id;
  const name = row.sub_technique_name ?? row.technique_name;
  return name ? `${id} ${name}` : id;
}

export function TechniquesCard({ uuid }: { uuid: string }) {
  const techniques = useApi((signal) => fetchAttackerTechniques(uuid, signal), [uuid]);
  let body;
  if (techniques.error && !(techniques.error instanceof ApiError && techniques.error.status === 404))
    body = (
      <p className="form-error" role="alert">
        Could not load techniques: {techniques.error.message}{" "}
        <button type="button" className="link" onClick={techniques.reload}>
          Retry
        </button>
      </p>
    );
  else if (!techniques.data || techniques.loading) body = <p role="status">Loading…</p>;
  else if (techniques.data.length === 0) body = <p className="muted">No ATT&amp;CK technique tagged yet.</p>;
  else {
    const rows = [...techniques.data].sort((a, b) => b.count - a.count || techniqueLabel(a).localeCompare(techniqueLabel(b)));
    body = (
      <ul className="technique-list" aria-label="ATT&CK techniques">
        {rows.map((row) => (
          <li key={`${row.technique_id}/${row.sub_technique_id ?? ""}`}>
            <a href={row.mitre_url ?? undefined} target="_blank" rel="noreferrer noopener" className="mono">
              {techniqueLabel(row)}
            </a>{" "}
            <Chip tone="info" title="tactic">
              {row.tactic}
            </Chip>{" "}
            <span className="muted">
              ×{row.count}, confidence {Math.round(row.confidence_max * 100)}%
            </span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="card" role="region" aria-labelledby="techniques-title">
      <h2 id="techniques-title">ATT&amp;CK techniques</h2>
      {body}
    </div>
  );
}
