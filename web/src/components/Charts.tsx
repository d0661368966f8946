// Small SVG charts drawn by hand: a charting library would cost more than the whole app's
// JavaScript budget for three shapes.
import type { NamedCount } from "../api/types";
import { formatCount } from "../lib/format";

export function Sparkline({ values, label, width = 120, height = 28 }: { values: number[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`).join(" ");
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

export function ColumnChart({ values, labels, label, height = 140 }: { values: number[]; labels: string[]; label: string; height?: number }) {
  const max = Math.max(1, ...values);
  const width = Math.max(values.length * 6, 300);
  const bar = width / Math.max(values.length, 1);
  return (
    <svg className="column-chart" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {values.map((v, i) => {
        const h = (v / max) * (height - 4);
        return (
          <rect key={i} x={i * bar + 0.5} y={height - h} width={Math.max(bar - 1, 1)} height={h}>
            <title>{`${labels[i]}: ${formatCount(v)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function BarList({ items, label, render }: { items: NamedCount[]; label: string; render?: (name: string) => string }) {
  if (items.length === 0) return <p className="muted">No data yet.</p>;
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <ol className="bar-list" aria-label={label}>
      {items.map((item) => (
        <li key={item.name}>
          <span className="bar-name" title={item.name}>
            {render ? render(item.name) : item.name}
          </span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(item.count / max) * 100}%` }} />
          </span>
          <span className="bar-count">{formatCount(item.count)}</span>
        </li>
      ))}
    </ol>
  );
}
