import { formatLocal, formatRelative, formatUtc, parseTime } from "../lib/format";

// A time in the browser's zone; hovering shows UTC. `relative` shows "3m ago" instead.
export function Time({ value, relative = false }: { value: string | number | null | undefined; relative?: boolean }) {
  const date = parseTime(value);
  if (!date) return <span className="muted">—</span>;
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)}>
      {relative ? formatRelative(date) : formatLocal(date)}
    </time>
  );
}
