// Turns bus events from the stream into feed rows. A committed ingest batch (system.log) becomes
// one row per stored event, since that is what an operator watches for; everything else is one
// row with a one-line summary of its payload.
import type { BusEvent } from "../api/types";

export interface FeedRow {
  key: string;
  time: number; // epoch ms
  topic: string;
  summary: string;
  attackerUuid: string | null;
  attackerIp: string | null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export function feedRows(event: BusEvent): FeedRow[] {
  const p = event.payload ?? {};
  if (event.topic === "system.log" && Array.isArray(p.events)) {
    return (p.events as Record<string, unknown>[]).map((e, i) => {
      const when = Date.parse(String(e.timestamp));
      return {
        key: `${event.id}:${String(e.id ?? i)}`,
        time: Number.isNaN(when) ? event.ts * 1000 : when,
        topic: "event",
        summary: [text(e.service), text(e.event_type), text(e.decky) && `on ${e.decky}`].filter(Boolean).join(" "),
        attackerUuid: text(e.attacker_uuid),
        attackerIp: text(e.attacker_ip),
      };
    });
  }
  const parts: string[] = [];
  for (const key of ["service", "event_type", "decky", "principal", "secret_kind", "verdict", "reason", "name", "status"]) {
    const v = text(p[key]);
    if (v) parts.push(key === "decky" ? `on ${v}` : v);
  }
  return [
    {
      key: event.id,
      time: event.ts * 1000,
      topic: event.topic,
      summary: parts.join(" ") || event.type,
      attackerUuid: text(p.attacker_uuid),
      attackerIp: text(p.attacker_ip),
    },
  ];
}

// Keeps the newest `max` rows, newest first.
export function prepend(rows: FeedRow[], incoming: FeedRow[], max: number): FeedRow[] {
  if (incoming.length === 0) return rows;
  const next = [...incoming].reverse().concat(rows);
  return next.length > max ? next.slice(0, max) : next;
}
