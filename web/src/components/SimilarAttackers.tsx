// Attackers that behave like this one (timing, keystrokes, commands) or run the same software
// (JA3, HASSH, JARM). Each kind is a separate vector; an attacker without enough activity of that kind has none, which the API answers 404.
import { useState } from "react";
import { ApiError, fetchSimilar } from "../api/client";
import type { SimilarityKind } from "../api/types";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";
import { ClassChip } from "./Behaviour";

const KINDS: { kind: SimilarityKind; label: string }[] = [
  { kind: "timing", label: "timing" },
  { kind: "keystroke", label: "keystroke" },
  { kind: "cmd_ngram", label: "commands" },
  { kind: "ja3", label: "JA3" },
  { kind: "hassh", label: "HASSH" },
  { kind: "jarm", label: "JARM" },
];

export function SimilarAttackers({ uuid }: { uuid: string }) {
  const [kind, setKind] = useState<SimilarityKind>("timing");
  const similar = useApi((signal) => fetchSimilar(uuid, kind, 10, signal), [uuid, kind]);
  const label = KINDS.find((k) => k.kind === kind)?.label ?? kind;
  const missing = similar.error instanceof ApiError && similar.error.status === 404;

  let body;
  if (missing) body = <p className="muted">This attacker has no {label} fingerprint yet.</p>;
  else if (similar.error)
    body = (
      <p className="form-error" role="alert">
        Could not load similar attackers: {similar.error.message}{" "}
        <button type="button" className="link" onClick={similar.reload}>
          Retry
        </button>
      </p>
    );
  else if (!similar.data || similar.loading) body = <p role="status">Loading…</p>;
  else if (similar.data.data.length === 0) body = <p className="muted">No other attacker has a {label} fingerprint to compare with.</p>;
  else
    body = (
      <ol className="similar-list" aria-label={`Attackers with similar ${label}`}>
        {similar.data.data.map((s) => (
          <li key={s.attacker_uuid}>
            <Link href={`/attackers/${s.attacker_uuid}`} className="mono">
              {s.ip}
            </Link>
            <ClassChip cls={s.behavior_class} />
            <span className="muted" title={`${s.metric} distance`}>
              distance {s.distance.toFixed(3)}
            </span>
          </li>
        ))}
      </ol>
    );

  return (
    <div className="card" role="region" aria-labelledby="similar-title">
      <div className="toolbar">
        <h2 id="similar-title">Similar attackers</h2>
        <label className="push-right">
          By
          <select value={kind} onChange={(e) => setKind(e.target.value as SimilarityKind)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {body}
    </div>
  );
}
