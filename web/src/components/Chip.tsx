import type { ReactNode } from "react";
import type { Verdict, WebhookState } from "../api/types";
import { formatRelative, formatUtc, parseTime } from "../lib/format";

export type Tone = "neutral" | "good" | "warn" | "bad" | "info";

export function Chip({ tone = "neutral", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`chip chip-${tone}`} title={title}>
      {children}
    </span>
  );
}

const VERDICT_TONE: Record<Verdict, Tone> = {
  malicious: "bad",
  suspicious: "warn",
  benign: "good",
  unknown: "neutral",
};

export function VerdictChip({ verdict }: { verdict: Verdict | null | undefined }) {
  const v = verdict ?? "unknown";
  return <Chip tone={VERDICT_TONE[v] ?? "neutral"}>{v}</Chip>;
}

export function WorkerStatusChip({ status }: { status: string }) {
  const tone: Tone = status === "ok" ? "good" : status === "stale" ? "warn" : "neutral";
  return <Chip tone={tone}>{status}</Chip>;
}

export function WebhookStateChip({ state, trippedAt }: { state: WebhookState; trippedAt: string | null }) {
  if (state === "tripped") {
    const date = parseTime(trippedAt);
    return (
      <Chip tone="bad" title={date ? `circuit opened ${formatUtc(date)}` : "circuit open"}>
        TRIPPED{date ? ` · ${formatRelative(date)}` : ""}
      </Chip>
    );
  }
  return <Chip tone={state === "active" ? "good" : "neutral"}>{state}</Chip>;
}

const DECKY_TONE: Record<string, Tone> = { running: "good", degraded: "warn", failed: "bad", teardown_failed: "bad", pending: "info", tearing_down: "info" };

export function DeckyStateChip({ state, error }: { state: string; error: string | null }) {
  return (
    <Chip tone={DECKY_TONE[state] ?? "neutral"} title={error ?? undefined}>
      {state}
    </Chip>
  );
}
