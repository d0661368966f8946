// Where one secret was used: which attackers, against which decky:service targets, how often.
import { api } from "../api/client";
import type { ReuseFinding } from "../api/types";
import { CopyButton } from "../components/CopyButton";
import { Drawer } from "../components/Drawer";
import { Time } from "../components/Time";
import { formatCount } from "../lib/format";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

export function ReuseDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const finding = useApi((signal) => api.get<ReuseFinding>(`/credential-reuse/${encodeURIComponent(id)}`, undefined, signal), [id]);
  const f = finding.data;
  return (
    <Drawer title="Credential reuse" onClose={onClose}>
      {finding.loading && !f && <p role="status">Loading…</p>}
      {finding.error && <p className="form-error">Could not load the finding: {finding.error.message}</p>}
      {f && (
        <>
          <dl className="facts">
            <div>
              <dt>Secret</dt>
              <dd>
                {f.secret_printable !== null ? <code className="secret">{f.secret_printable}</code> : <span className="muted">not printable</span>} <span className="muted">({f.secret_kind})</span>
              </dd>
            </div>
            <div>
              <dt>Principal</dt>
              <dd>{f.principal ?? <span className="muted">—</span>}</dd>
            </div>
            <div>
              <dt>SHA-256</dt>
              <dd>
                <code className="hash">{f.secret_sha256}</code> <CopyButton text={f.secret_sha256} label="Copy hash" />
              </dd>
            </div>
            <div>
              <dt>Targets</dt>
              <dd>{formatCount(f.target_count)}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd>{formatCount(f.attempt_count)}</dd>
            </div>
            <div>
              <dt>Confidence</dt>
              <dd>{Math.round(f.confidence * 100)} %</dd>
            </div>
            <div>
              <dt>Seen</dt>
              <dd>
                <Time value={f.first_seen} /> → <Time value={f.last_seen} />
              </dd>
            </div>
          </dl>
          <h3>Attackers ({formatCount(f.attacker_ip_count)})</h3>
          <ul className="pill-list" aria-label="Attackers that used this secret">
            {f.attacker_uuids.map((uuid, i) => (
              <li key={uuid}>
                <Link href={`/attackers/${uuid}`} className="mono">
                  {f.attacker_ips[i] ?? uuid}
                </Link>
              </li>
            ))}
          </ul>
          <h3>Targets</h3>
          <ul className="pill-list" aria-label="Targets">
            {f.targets.map((t) => (
              <li key={t}>
                <code>{t}</code>
              </li>
            ))}
          </ul>
          <h3>Deckies</h3>
          <p>{f.deckies.join(", ")}</p>
          <h3>Services</h3>
          <p>{f.services.join(", ")}</p>
        </>
      )}
    </Drawer>
  );
}
