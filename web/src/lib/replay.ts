// Plays a session recording at the pace it was captured. Only output is replayed: the shell
// echoed the attacker's keystrokes into its output, so writing input too would show them twice.
// The timer functions are injected so the pacing can be tested without waiting.
import type { RecordingEvent } from "../api/types";

export const REPLAY_SPEEDS = [1, 2, 4] as const;

export interface OutputChunk {
  t: number; // seconds since the session started
  d: string;
}

// Output events in time order; the server's order breaks ties.
export function outputChunks(events: RecordingEvent[]): OutputChunk[] {
  return events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.ch === "o" && Number.isFinite(e.t))
    .sort((a, b) => a.e.t - b.e.t || a.i - b.i)
    .map(({ e }) => ({ t: Math.max(0, e.t), d: e.d }));
}

// Milliseconds to wait before writing chunk `index`, counted from the previous chunk (or the
// start of playback for the first).
export function delayBefore(chunks: OutputChunk[], index: number, speed: number): number {
  if (index >= chunks.length) return 0;
  const previous = index === 0 ? 0 : chunks[index - 1].t;
  return Math.max(0, ((chunks[index].t - previous) * 1000) / speed);
}

export type ReplayState = "playing" | "paused" | "done";

export interface ReplayTimers {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const browserTimers: ReplayTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

export class ReplayPlayer {
  private next = 0;
  private speed = 1;
  private state: ReplayState = "paused";
  private timer: unknown = null;
  // Recording time (ms) still to wait before the next chunk, independent of speed, so a pause
  // or a speed change mid-gap keeps the part of the gap already waited.
  private remaining = 0;
  private armedAt = 0;

  constructor(
    private readonly chunks: OutputChunk[],
    private readonly write: (data: string) => void,
    private readonly onState: (state: ReplayState) => void = () => {},
    private readonly timers: ReplayTimers = browserTimers,
  ) {
    this.remaining = chunks.length > 0 ? chunks[0].t * 1000 : 0;
  }

  get current(): ReplayState {
    return this.state;
  }

  play(): void {
    if (this.state === "playing") return;
    if (this.next >= this.chunks.length) return this.setState("done");
    this.setState("playing");
    this.arm();
  }

  pause(): void {
    if (this.state !== "playing") return;
    this.disarm();
    this.setState("paused");
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || speed === this.speed) return;
    if (this.state === "playing") {
      this.disarm();
      this.speed = speed;
      this.arm();
    } else {
      this.speed = speed;
    }
  }

  stop(): void {
    this.disarm();
  }

  private arm(): void {
    this.armedAt = this.timers.now();
    this.timer = this.timers.setTimeout(() => this.fire(), Math.max(0, this.remaining / this.speed));
  }

  // Keeps what is left of the current gap, in recording time.
  private disarm(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    const waited = (this.timers.now() - this.armedAt) * this.speed;
    this.remaining = Math.max(0, this.remaining - waited);
  }

  private fire(): void {
    this.timer = null;
    // Chunks captured in the same instant go out together.
    const at = this.chunks[this.next].t;
    while (this.next < this.chunks.length && this.chunks[this.next].t === at) {
      this.write(this.chunks[this.next].d);
      this.next += 1;
    }
    if (this.next >= this.chunks.length) return this.setState("done");
    this.remaining = (this.chunks[this.next].t - at) * 1000;
    this.arm();
  }

  private setState(state: ReplayState): void {
    this.state = state;
    this.onState(state);
  }
}
