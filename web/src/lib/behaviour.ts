// Formatting for the behaviour sections of the attacker page.
import type { BehaviorClass, KillChainPhase } from "../api/types";
import type { Tone } from "../components/Chip";

// The kill chain in the order it was reached; phases without a valid time go last, by name.
export function orderedPhases(phases: KillChainPhase[] | null | undefined): KillChainPhase[] {
  const valid = (p: KillChainPhase) => Number.isFinite(p.first_at) && p.first_at > 0;
  return [...(phases ?? [])].sort((a, b) => {
    if (valid(a) !== valid(b)) return valid(a) ? -1 : 1;
    return (valid(a) ? a.first_at - b.first_at : 0) || a.phase.localeCompare(b.phase);
  });
}

// Phase times are microseconds since the epoch; <Time> takes seconds.
export function microsToSeconds(us: number): number {
  return us / 1e6;
}

export function phaseLabel(phase: string): string {
  return phase.replace(/_/g, " ");
}

export function classLabel(cls: BehaviorClass | string | null | undefined): string {
  return cls ? cls.replace(/_/g, " ") : "unclassified";
}

const CLASS_TONE: Record<string, Tone> = {
  interactive: "bad",
  beaconing: "bad",
  brute_force: "warn",
  mixed: "warn",
  scanning: "info",
  slow_scan: "info",
};

export function classTone(cls: string | null | undefined): Tone {
  return (cls && CLASS_TONE[cls]) || "neutral";
}

// "850 ms", "12.5 s", "3m 20s", "2h 5m": precise for short gaps, readable for long sessions.
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))} s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)}m ${total % 60}s`;
  if (total < 86400) return `${Math.floor(total / 3600)}h ${Math.floor((total % 3600) / 60)}m`;
  return `${Math.floor(total / 86400)}d ${Math.floor((total % 86400) / 3600)}h`;
}
