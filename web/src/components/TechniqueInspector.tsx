// The technique inspector: every tag of one ATT&CK technique in one scope (the fleet, an
// identity, an attacker or a session), newest first, each with the rule that fired, what it
// fired on, how confident it is, and the evidence it kept — so an analyst can see why a
// technique is on the board before acting on it.
import { fetchTechniqueTags } from "../api/client";
import type { TagDetail, TechniqueScope } from "../api/types";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";
import { Chip } from "./Chip";
import { Drawer } from "./Drawer";
import { Time } from "./Time";

export interface InspectedTechnique {
  technique_id: string;
  sub_technique_id: string | null;
  label: string; // "T1110.001 Brute Force: Password Guessing"
}

function Evidence({ evidence }: { evidence: Record<string, unknown> }) {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return <span className="muted">no evidence kept</span>;
  return (
    <dl className="evidence">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd className="mono">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function TagItem({ tag }: { tag: TagDetail }) {
  return (
    <li className="tag-item">
      <div className="tag-head">
        <Chip tone="info" title="rule">
          {tag.rule_id}
        </Chip>{" "}
        <span className="muted">
          {tag.source_kind} · confidence {Math.round(tag.confidence * 100)}% · <Time value={tag.created_at} />
        </span>
      </div>
      {tag.attacker_uuid && (
        <div className="muted">
          attacker <Link href={`/attackers/${tag.attacker_uuid}`}>{tag.attacker_uuid.slice(0, 8)}</Link>
          {tag.session_id ? ` · session ${tag.session_id.slice(0, 8)}` : ""}
          {tag.decky_id ? ` · decky ${tag.decky_id}` : ""}
        </div>
      )}
      <Evidence evidence={tag.evidence} />
    </li>
  );
}

export function TechniqueInspector({
  scope,
  id,
  technique,
  onClose,
}: {
  scope: TechniqueScope;
  id: string | null;
  technique: InspectedTechnique;
  onClose: () => void;
}) {
  const tags = useApi(
    (signal) => fetchTechniqueTags(scope, id, technique.technique_id, technique.sub_technique_id, signal),
    [scope, id, technique.technique_id, technique.sub_technique_id],
  );
  let body;
  if (tags.error)
    body = (
      <p className="form-error" role="alert">
        Could not load the tags: {tags.error.message}{" "}
        <button type="button" className="link" onClick={tags.reload}>
          Retry
        </button>
      </p>
    );
  else if (!tags.data) body = <p role="status">Loading…</p>;
  else if (tags.data.length === 0) body = <p className="muted">No tag of this technique here.</p>;
  else
    body = (
      <ul className="tag-list" aria-label="Tags">
        {tags.data.map((t) => (
          <TagItem key={t.uuid} tag={t} />
        ))}
      </ul>
    );
  return (
    <Drawer title={technique.label} onClose={onClose}>
      {body}
    </Drawer>
  );
}
