// Events as they are committed, over the SSE stream. Pausing keeps receiving (and counting) so
// nothing is lost, but holds new rows back until the operator resumes.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { openEventStream, type StreamStatus } from "../api/sse";
import { Chip } from "../components/Chip";
import { Time } from "../components/Time";
import { feedRows, prepend, type FeedRow } from "../lib/feed";
import { formatCount } from "../lib/format";
import { Link, setQuery, useLocation } from "../lib/router";

const DEFAULT_TOPICS = "system.log,attacker.>,credential.>";
const MAX_ROWS = 500;

export function LiveFeedPage() {
  const location = useLocation();
  const topics = location.query.get("topics") || DEFAULT_TOPICS;
  const [draft, setDraft] = useState(topics);
  const [rows, setRows] = useState<FeedRow[]>([]);
  const [held, setHeld] = useState<FeedRow[]>([]);
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<{ state: StreamStatus; detail?: string }>({ state: "connecting" });
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    setRows([]);
    setHeld([]);
    return openEventStream(api, {
      topics,
      onStatus: (state, detail) => setStatus({ state, detail }),
      onEvent: (event) => {
        const incoming = feedRows(event);
        if (pausedRef.current) setHeld((h) => prepend(h, incoming, MAX_ROWS));
        else setRows((r) => prepend(r, incoming, MAX_ROWS));
      },
    });
  }, [topics]);

  const resume = () => {
    setRows((r) => [...held, ...r].slice(0, MAX_ROWS));
    setHeld([]);
    setPaused(false);
  };

  const applyTopics = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ topics: draft.trim() === DEFAULT_TOPICS ? null : draft.trim() });
  };

  const tone = status.state === "live" ? "good" : status.state === "closed" ? "bad" : "warn";
  return (
    <section aria-labelledby="live-title">
      <header className="page-head">
        <h1 id="live-title">Live feed</h1>
        <Chip tone={tone} title={status.detail}>
          {status.state}
        </Chip>
      </header>
      <div className="toolbar">
        <form onSubmit={applyTopics} className="inline-form">
          <label>
            Topics
            <input value={draft} onChange={(e) => setDraft(e.target.value)} size={40} aria-describedby="topics-help" />
          </label>
          <button type="submit">Apply</button>
          <span id="topics-help" className="muted">
            Comma-separated bus patterns, e.g. attacker.&gt; or credential.captured
          </span>
        </form>
        {paused ? (
          <button type="button" className="primary" onClick={resume}>
            Resume ({formatCount(held.length)} new)
          </button>
        ) : (
          <button type="button" onClick={() => setPaused(true)}>
            Pause
          </button>
        )}
      </div>
      {status.detail && status.state !== "live" && (
        <p className="form-error" role="status">
          {status.detail}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Live events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Topic</th>
              <th scope="col">What</th>
              <th scope="col">Attacker</th>
            </tr>
          </thead>
          <tbody aria-live="off" data-testid="feed-rows">
            {rows.map((r) => (
              <tr key={r.key}>
                <td>
                  <Time value={new Date(r.time).toISOString()} />
                </td>
                <td>
                  <code>{r.topic}</code>
                </td>
                <td>{r.summary}</td>
                <td>
                  {r.attackerUuid ? (
                    <Link href={`/attackers/${r.attackerUuid}`}>{r.attackerIp ?? r.attackerUuid}</Link>
                  ) : r.attackerIp ? (
                    <Link href={`/attackers?search=${encodeURIComponent(r.attackerIp)}`}>{r.attackerIp}</Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <div className="table-state">Waiting for events… new ones appear here as they are stored.</div>}
      </div>
    </section>
  );
}
