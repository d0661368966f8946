import { formatCount } from "../lib/format";

export function Pager({ total, limit, offset, onChange }: { total: number; limit: number; offset: number; onChange: (offset: number) => void }) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label="Pages">
      <span aria-live="polite">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <button type="button" onClick={() => onChange(0)} disabled={offset === 0}>
        First
      </button>
      <button type="button" onClick={() => onChange(Math.max(0, offset - limit))} disabled={offset === 0}>
        Previous
      </button>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={offset + limit >= total}>
        Next
      </button>
    </nav>
  );
}
