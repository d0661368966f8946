// What is happening now: counters for the last 24 hours, events per minute over the last hour,
// and the top lists, refreshed every 10 s (the server caches the counters for a few seconds).
import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { HistogramBucket, Stats } from "../api/types";
import { BarList, ColumnChart } from "../components/Charts";
import { flag, formatCount, formatLocal, parseTime } from "../lib/format";
import { useApi } from "../lib/useApi";

const REFRESH_MS = 10_000;

function useTicker(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return tick;
}

// Buckets for the last hour, one per minute, zero-filled so quiet minutes show as gaps.
export function minuteSeries(buckets: HistogramBucket[], now: number): { values: number[]; labels: string[] } {
  const end = Math.floor(now / 60_000) * 60_000;
  const counts = new Map(buckets.map((b) => [Math.floor(Date.parse(b.bucket) / 60_000) * 60_000, b.count]));
  const values: number[] = [];
  const labels: string[] = [];
  for (let t = end - 59 * 60_000; t <= end; t += 60_000) {
    values.push(counts.get(t) ?? 0);
    labels.push(formatLocal(new Date(t)));
  }
  return { values, labels };
}

export function OverviewPage() {
  const tick = useTicker(REFRESH_MS);
  const stats = useApi((signal) => api.get<Stats>("/stats", undefined, signal), [tick]);
  const histogram = useApi(
    (signal) => {
      const start = new Date(Date.now() - 60 * 60_000).toISOString();
      return api.get<HistogramBucket[]>("/logs/histogram", { bucket_seconds: 60, start }, signal);
    },
    [tick],
  );
  const s = stats.data;
  const series = minuteSeries(histogram.data ?? [], Date.now());
  const generated = parseTime(s?.generated_at);

  return (
    <section aria-labelledby="overview-title">
      <header className="page-head">
        <h1 id="overview-title">Overview</h1>
        <span className="muted" aria-live="polite">
          {generated ? `Updated ${formatLocal(generated)}` : stats.loading ? "Loading…" : ""}
        </span>
      </header>
      {stats.error && (
        <p className="form-error" role="alert">
          Could not load the counters: {stats.error.message}
        </p>
      )}
      <div className="stat-grid">
        <StatCard label="Events" total={s?.events.total} recent={s?.events.last_24h} />
        <StatCard label="Attackers" total={s?.attackers.total} recent={s?.attackers.last_24h} recentLabel="new in 24 h" />
        <StatCard label="Credentials" total={s?.credentials.total} recent={s?.credentials.last_24h} recentLabel="new in 24 h" />
        <StatCard label="Reuse findings" total={s?.reuse_findings.total} recent={s?.reuse_findings.last_24h} recentLabel="new in 24 h" />
      </div>
      <div className="card">
        <h2>Events per minute, last hour</h2>
        {histogram.error ? (
          <p className="form-error">Could not load the histogram: {histogram.error.message}</p>
        ) : (
          <ColumnChart values={series.values} labels={series.labels} label={`Events per minute; ${formatCount(series.values.reduce((a, b) => a + b, 0))} in the last hour`} />
        )}
      </div>
      <div className="top-grid">
        <TopCard title="Top services (24 h)" items={s?.top_services} />
        <TopCard title="Top deckies (24 h)" items={s?.top_deckies} />
        <TopCard title="Top countries" items={s?.top_countries} render={(c) => `${flag(c)} ${c}`} />
        <TopCard title="Top usernames" items={s?.top_usernames} />
        <TopCard title="Top passwords" items={s?.top_passwords} />
      </div>
    </section>
  );
}

function StatCard({ label, total, recent, recentLabel = "in 24 h" }: { label: string; total?: number; recent?: number; recentLabel?: string }) {
  return (
    <div className="card stat" role="group" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{formatCount(total)}</div>
      <div className="stat-sub">
        {formatCount(recent)} {recentLabel}
      </div>
    </div>
  );
}

function TopCard({ title, items, render }: { title: string; items?: { name: string; count: number }[]; render?: (name: string) => string }) {
  return (
    <div className="card">
      <h2>{title}</h2>
      {items ? <BarList items={items} label={title} render={render} /> : <p className="muted">Loading…</p>}
    </div>
  );
}
