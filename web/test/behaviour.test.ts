import { describe, expect, it, vi } from "vitest";
import { ApiClient, fetchAttackerSessions, fetchRecording, fetchSimilar } from "../src/api/client";
import { classLabel, classTone, formatDuration, orderedPhases, phaseLabel } from "../src/lib/behaviour";
import { delayBefore, outputChunks, ReplayPlayer, type ReplayTimers } from "../src/lib/replay";

// A clock that only moves when the test says so.
function fakeTimers() {
  let now = 0;
  let pending: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const timers: ReplayTimers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      pending.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      pending = pending.filter((p) => p.id !== id);
    },
  };
  const advance = (ms: number) => {
    const target = now + ms;
    for (;;) {
      pending.sort((a, b) => a.at - b.at);
      const due = pending[0];
      if (!due || due.at > target) break;
      pending.shift();
      now = due.at;
      due.fn();
    }
    now = target;
  };
  return { timers, advance };
}

describe("outputChunks and delayBefore", () => {
  const events = [
    { t: 0.5, ch: "i" as const, d: "l" },
    { t: 0.2, ch: "o" as const, d: "$ " },
    { t: 1.5, ch: "o" as const, d: "ls\r\n" },
    { t: 1.5, ch: "o" as const, d: "file\r\n" },
    { t: 4.0, ch: "o" as const, d: "$ " },
  ];

  it("keeps only output, in time order, ties in the server's order", () => {
    expect(outputChunks(events).map((c) => c.d)).toEqual(["$ ", "ls\r\n", "file\r\n", "$ "]);
  });

  it("turns gaps into delays divided by the speed", () => {
    const chunks = outputChunks(events);
    expect(delayBefore(chunks, 0, 1)).toBeCloseTo(200);
    expect(delayBefore(chunks, 1, 1)).toBeCloseTo(1300);
    expect(delayBefore(chunks, 2, 1)).toBe(0);
    expect(delayBefore(chunks, 3, 2)).toBeCloseTo(1250);
    expect(delayBefore(chunks, 3, 4)).toBeCloseTo(625);
    expect(delayBefore(chunks, 9, 1)).toBe(0);
  });
});

describe("ReplayPlayer", () => {
  const chunks = [
    { t: 1, d: "a" },
    { t: 3, d: "b" },
    { t: 3, d: "c" },
    { t: 7, d: "d" },
  ];

  it("writes each chunk at its recorded time and finishes", () => {
    const { timers, advance } = fakeTimers();
    const written: string[] = [];
    const states: string[] = [];
    const p = new ReplayPlayer(chunks, (d) => written.push(d), (s) => states.push(s), timers);
    p.play();
    advance(999);
    expect(written).toEqual([]);
    advance(1);
    expect(written).toEqual(["a"]);
    advance(2000);
    expect(written).toEqual(["a", "b", "c"]);
    advance(4000);
    expect(written.join("")).toBe("abcd");
    expect(states).toEqual(["playing", "done"]);
  });

  it("keeps the part of a gap already waited across a pause", () => {
    const { timers, advance } = fakeTimers();
    const written: string[] = [];
    const p = new ReplayPlayer(chunks, (d) => written.push(d), undefined, timers);
    p.play();
    advance(1000); // "a"
    advance(500);
    p.pause();
    advance(60_000);
    expect(written).toEqual(["a"]);
    p.play();
    advance(1499);
    expect(written).toEqual(["a"]);
    advance(1);
    expect(written).toEqual(["a", "b", "c"]);
  });

  it("applies a speed change to the rest of the current gap", () => {
    const { timers, advance } = fakeTimers();
    const written: string[] = [];
    const p = new ReplayPlayer(chunks, (d) => written.push(d), undefined, timers);
    p.play();
    advance(1000); // "a"; 2 s of recording to "b"
    advance(1000); // half of it at 1×
    p.setSpeed(4);
    advance(249);
    expect(written).toEqual(["a"]);
    advance(1);
    expect(written).toEqual(["a", "b", "c"]);
    advance(1000); // 4 s of recording at 4×
    expect(written.join("")).toBe("abcd");
    expect(p.current).toBe("done");
  });

  it("is done at once with nothing to play", () => {
    const { timers } = fakeTimers();
    const p = new ReplayPlayer([], () => {}, undefined, timers);
    p.play();
    expect(p.current).toBe("done");
  });
});

describe("behaviour formatting", () => {
  it("orders phases by the time reached, undated ones last", () => {
    const phases = [
      { phase: "execution", first_at: 1_777_700_100_000_000 },
      { phase: "persistence", first_at: 0 },
      { phase: "reconnaissance", first_at: 1_777_700_000_000_000 },
      { phase: "initial_access", first_at: 1_777_700_050_000_000 },
    ];
    expect(orderedPhases(phases).map((p) => p.phase)).toEqual(["reconnaissance", "initial_access", "execution", "persistence"]);
    expect(orderedPhases(null)).toEqual([]);
    expect(phaseLabel("initial_access")).toBe("initial access");
  });

  it("labels classes and gives them a tone", () => {
    expect(classLabel("brute_force")).toBe("brute force");
    expect(classLabel(null)).toBe("unclassified");
    expect(classTone("interactive")).toBe("bad");
    expect(classTone("nonsense")).toBe("neutral");
  });

  it("formats durations from milliseconds to days", () => {
    expect(formatDuration(0.25)).toBe("250 ms");
    expect(formatDuration(4.26)).toBe("4.3 s");
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(200)).toBe("3m 20s");
    expect(formatDuration(7500)).toBe("2h 5m");
    expect(formatDuration(90_000)).toBe("1d 1h");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(-1)).toBe("—");
  });
});

describe("behaviour API calls", () => {
  it("asks for the right paths and parameters", async () => {
    const fetchImpl = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response("{}", { status: 200, headers: { "Content-Type": "application/json" } }));
    const client = new ApiClient({ fetchImpl });
    await fetchAttackerSessions("a/1", { limit: 20, offset: 40 }, undefined, client);
    await fetchRecording("s-1", undefined, client);
    await fetchSimilar("a-1", "cmd_ngram", 10, undefined, client);
    expect(fetchImpl.mock.calls.map((c) => String(c[0]))).toEqual([
      "/api/v1/attackers/a%2F1/sessions?limit=20&offset=40",
      "/api/v1/sessions/s-1/recording",
      "/api/v1/attackers/a-1/similar?kind=cmd_ngram&k=10",
    ]);
  });
});
