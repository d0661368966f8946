// An attacker's sessions, newest first, one row each; a row opens to list the commands typed,
// and a recorded session can be replayed in a terminal under the table.
import { Fragment, lazy, Suspense, useState } from "react";
import { fetchAttackerSessions } from "../api/client";
import type { AttackerSession, SessionOutcome } from "../api/types";
import { formatDuration } from "../lib/behaviour";
import { formatCount } from "../lib/format";
import { useApi } from "../lib/useApi";
import { Chip, type Tone } from "./Chip";
import { Pager } from "./Pager";
import { TechniqueList } from "./Techniques";
import { Time } from "./Time";

// The terminal emulator is most of the page's weight; it loads only when a replay is opened.
const Replay = lazy(() => import("./Replay").then((m) => ({ default: m.Replay })));

const LIMIT = 20;
const COLUMN_COUNT = 7;

const OUTCOME_TONE: Record<SessionOutcome, Tone> = { logged_in: "bad", auth_failed: "warn", closed: "neutral" };

export function SessionsCard({ uuid }: { uuid: string }) {
  const [offset, setOffset] = useState(0);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [replaying, setReplaying] = useState<AttackerSession | null>(null);
  const page = useApi((signal) => fetchAttackerSessions(uuid, { limit: LIMIT, offset }, signal), [uuid, offset]);
  const rows = page.data?.data ?? null;

  let status = null;
  if (page.error) {
    status = (
      <div className="table-state error" role="alert">
        Could not load sessions: {page.error.message}
        <button type="button" className="link" onClick={page.reload}>
          Retry
        </button>
      </div>
    );
  } else if (!rows && page.loading) {
    status = (
      <div className="table-state" role="status">
        Loading…
      </div>
    );
  } else if (rows && rows.length === 0) {
    status = <div className="table-state">No session from this attacker.</div>;
  }

  return (
    <div className="card">
      <h2>
        Sessions {page.data && <span className="muted">({formatCount(page.data.total)})</span>}
      </h2>
      <div className="table-wrap" aria-busy={page.loading ? true : undefined}>
        <table>
          <caption className="sr-only">Sessions</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Service</th>
              <th scope="col">Decky</th>
              <th scope="col" className="num">Duration</th>
              <th scope="col">Outcome</th>
              <th scope="col" className="num">Commands</th>
              <th scope="col">Replay</th>
            </tr>
          </thead>
          <tbody>
            {(rows ?? []).map((s) => (
              <Fragment key={s.uuid}>
                <SessionRow s={s} open={expanded === s.uuid} onToggle={() => setExpanded((e) => (e === s.uuid ? null : s.uuid))} onReplay={() => setReplaying(s)} />
                {expanded === s.uuid && (
                  <tr className="expansion">
                    <td colSpan={COLUMN_COUNT} id={`commands-${s.uuid}`}>
                      <Commands s={s} />
                      <h3 className="sub-head">ATT&amp;CK techniques of this session</h3>
                      <TechniqueList scope="session" id={s.uuid} label={`ATT&CK techniques of the ${s.service} session on ${s.decky}`} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
        {status}
      </div>
      {page.data && page.data.total > LIMIT && <Pager total={page.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />}
      {replaying && (
        <Suspense fallback={<p role="status">Loading the player…</p>}>
          <Replay key={replaying.uuid} session={replaying} onClose={() => setReplaying(null)} />
        </Suspense>
      )}
    </div>
  );
}

function SessionRow({ s, open, onToggle, onReplay }: { s: AttackerSession; open: boolean; onToggle: () => void; onReplay: () => void }) {
  return (
    <tr>
      <td>
        <Time value={s.started_at} />
      </td>
      <td>{s.service}</td>
      <td>{s.decky}</td>
      <td className="num">
        {formatDuration(s.duration_s)}
        {s.open && <span className="muted"> (open)</span>}
      </td>
      <td>
        <Chip tone={OUTCOME_TONE[s.outcome] ?? "neutral"}>{s.outcome.replace(/_/g, " ")}</Chip>
      </td>
      <td className="num">
        <button type="button" className="link" aria-expanded={open} aria-controls={open ? `commands-${s.uuid}` : undefined} onClick={onToggle} aria-label={`${open ? "Hide" : "Show"} the ${s.command_count} commands of the ${s.service} session on ${s.decky}`}>
          {formatCount(s.command_count)}
        </button>
      </td>
      <td>
        {s.has_recording ? (
          <button type="button" onClick={onReplay} aria-label={`Replay the ${s.service} session on ${s.decky}`}>
            Replay
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

function Commands({ s }: { s: AttackerSession }) {
  if (s.commands.length === 0) return <span className="muted">No command in this session.</span>;
  return (
    <ol className="command-list" aria-label={`Commands of the ${s.service} session on ${s.decky}`}>
      {s.commands.map((c, i) => (
        <li key={i}>
          <Time value={c.ts} /> <code>{c.command}</code>
        </li>
      ))}
      {s.command_count > s.commands.length && <li className="muted">… and {formatCount(s.command_count - s.commands.length)} more</li>}
    </ol>
  );
}
