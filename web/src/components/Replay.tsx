// Replays a recorded session in a terminal emulator at its real pace. The recording is written
// to xterm.js as terminal data, never into the page's HTML, so whatever escape sequences or markup
// an attacker produced only ever reach the emulator.
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { fetchRecording } from "../api/client";
import type { AttackerSession } from "../api/types";
import { outputChunks, REPLAY_SPEEDS, ReplayPlayer, type ReplayState } from "../lib/replay";
import { useApi } from "../lib/useApi";
import { Time } from "./Time";

export function Replay({ session, onClose }: { session: AttackerSession; onClose: () => void }) {
  const recording = useApi((signal) => fetchRecording(session.uuid, signal), [session.uuid]);
  const host = useRef<HTMLDivElement>(null);
  const player = useRef<ReplayPlayer | null>(null);
  const [state, setState] = useState<ReplayState>("paused");
  const [speed, setSpeed] = useState<number>(1);
  const [run, setRun] = useState(0);
  const events = recording.data?.events;

  useEffect(() => {
    if (!events || !host.current) return;
    const term = new Terminal({ disableStdin: true, convertEol: true, cursorBlink: false, rows: 24, cols: 100, scrollback: 5000, fontSize: 13 });
    term.open(host.current);
    // xterm.js does not render while off screen: bring the replay into view as it starts.
    host.current.scrollIntoView?.({ block: "nearest" });
    const p = new ReplayPlayer(outputChunks(events), (d) => term.write(d), setState);
    p.setSpeed(speed);
    player.current = p;
    p.play();
    return () => {
      p.stop();
      player.current = null;
      term.dispose();
    };
    // The speed is applied to the running player below; restarting on a speed change would lose the place.
  }, [events, run]);

  const changeSpeed = (s: number) => {
    setSpeed(s);
    player.current?.setSpeed(s);
  };

  return (
    <section className="replay" aria-label={`Replay of the ${session.service} session on ${session.decky}`}>
      <div className="toolbar">
        <h3>
          Replay: {session.service} on {session.decky}, <Time value={session.started_at} />
        </h3>
        <span role="status" className="muted" data-testid="replay-state">
          {recording.loading ? "loading…" : recording.error ? "" : state}
        </span>
        <div className="actions push-right">
          {state === "playing" ? (
            <button type="button" onClick={() => player.current?.pause()}>
              Pause
            </button>
          ) : state === "paused" ? (
            <button type="button" onClick={() => player.current?.play()} disabled={!events}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => setRun((r) => r + 1)}>
              Play again
            </button>
          )}
          <div className="segmented" role="group" aria-label="Replay speed">
            {REPLAY_SPEEDS.map((s) => (
              <button key={s} type="button" aria-pressed={speed === s} onClick={() => changeSpeed(s)}>
                {s}×
              </button>
            ))}
          </div>
          <button type="button" onClick={onClose}>
            Close replay
          </button>
        </div>
      </div>
      {recording.error && (
        <p className="form-error" role="alert">
          {recording.error.message}
        </p>
      )}
      {recording.data?.truncated && <p className="muted">The recording was truncated; the replay stops where it does.</p>}
      <div className="replay-term" ref={host} data-testid="replay-terminal" />
    </section>
  );
}
