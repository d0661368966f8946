// One row per source address, paginated by the server: the page asks for 50 rows and the total,
// never the whole table, so it stays quick with a million attackers. Filters live in the URL.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../api/client";
import { BEHAVIOR_CLASSES, type AttackerSummary, type Page } from "../api/types";
import { ClassChip } from "../components/Behaviour";
import { VerdictChip } from "../components/Chip";
import { DataTable, type Column } from "../components/DataTable";
import { Pager } from "../components/Pager";
import { Time } from "../components/Time";
import { classLabel } from "../lib/behaviour";
import { flag, formatCount } from "../lib/format";
import { Link, navigate, setQuery, useLocation } from "../lib/router";
import { useApi } from "../lib/useApi";

const LIMIT = 50;
const FILTERS = ["search", "service", "decky", "country", "verdict", "behavior_class", "sort", "offset"] as const;

const COLUMNS: Column<AttackerSummary>[] = [
  {
    key: "ip",
    header: "Address",
    render: (a) => (
      <Link href={`/attackers/${a.uuid}`} className="mono">
        {a.ip}
      </Link>
    ),
  },
  { key: "country", header: "Country", render: (a) => (a.country_code ? `${flag(a.country_code)} ${a.country_code}` : <span className="muted">—</span>) },
  {
    key: "asn",
    header: "AS",
    render: (a) =>
      a.asn ? (
        <span title={a.as_name ?? undefined}>
          AS{a.asn} <span className="muted">{a.as_name}</span>
        </span>
      ) : (
        <span className="muted">—</span>
      ),
  },
  { key: "verdict", header: "Verdict", render: (a) => <VerdictChip verdict={a.verdict} /> },
  { key: "class", header: "Behaviour", render: (a) => (a.behavior_class ? <ClassChip cls={a.behavior_class} /> : <span className="muted">—</span>) },
  { key: "score", header: "Score", className: "num", render: (a) => formatCount(a.score) },
  { key: "events", header: "Events", className: "num", render: (a) => formatCount(a.event_count) },
  { key: "creds", header: "Credentials", className: "num", render: (a) => formatCount(a.credential_count) },
  {
    key: "services",
    header: "Services",
    // The row lists at most 64; the count is exact.
    render: (a) => (
      <>
        {a.services.join(", ")}
        {a.service_count > a.services.length && <span className="muted"> +{formatCount(a.service_count - a.services.length)} more</span>}
      </>
    ),
  },
  { key: "first", header: "First seen", render: (a) => <Time value={a.first_seen} /> },
  { key: "last", header: "Last seen", render: (a) => <Time value={a.last_seen} relative /> },
];

export function AttackersPage() {
  const location = useLocation();
  const q = Object.fromEntries(FILTERS.map((k) => [k, location.query.get(k) ?? ""])) as Record<(typeof FILTERS)[number], string>;
  const offset = Math.max(0, Number(q.offset) || 0);
  const [search, setSearch] = useState(q.search);
  useEffect(() => setSearch(q.search), [q.search]);

  const page = useApi(
    (signal) =>
      api.get<Page<AttackerSummary>>(
        "/attackers",
        { search: q.search, service: q.service, decky: q.decky, country: q.country.toUpperCase(), verdict: q.verdict, behavior_class: q.behavior_class, sort: q.sort || "recent", limit: LIMIT, offset },
        signal,
      ),
    [q.search, q.service, q.decky, q.country, q.verdict, q.behavior_class, q.sort, offset],
  );

  const filter = (key: string, value: string) => setQuery({ [key]: value, offset: null });
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    filter("search", search.trim());
  };

  return (
    <section aria-labelledby="attackers-title">
      <header className="page-head">
        <h1 id="attackers-title">Attackers</h1>
        {page.data && <span className="muted">{formatCount(page.data.total)} matching</span>}
      </header>
      <div className="toolbar">
        <form onSubmit={submitSearch} className="inline-form" role="search">
          <label>
            Address
            <input type="search" placeholder="IP prefix, e.g. 203.0.113." value={search} onChange={(e) => setSearch(e.target.value)} maxLength={64} />
          </label>
          <button type="submit">Search</button>
        </form>
        <label>
          Service
          <input defaultValue={q.service} key={`svc-${q.service}`} onBlur={(e) => e.target.value !== q.service && filter("service", e.target.value.trim())} onKeyDown={(e) => e.key === "Enter" && filter("service", e.currentTarget.value.trim())} size={10} />
        </label>
        <label>
          Decky
          <input defaultValue={q.decky} key={`decky-${q.decky}`} onBlur={(e) => e.target.value !== q.decky && filter("decky", e.target.value.trim())} onKeyDown={(e) => e.key === "Enter" && filter("decky", e.currentTarget.value.trim())} size={12} />
        </label>
        <label>
          Country
          <input defaultValue={q.country} key={`cc-${q.country}`} maxLength={2} size={3} onBlur={(e) => e.target.value !== q.country && filter("country", e.target.value.trim())} onKeyDown={(e) => e.key === "Enter" && filter("country", e.currentTarget.value.trim())} />
        </label>
        <label>
          Verdict
          <select value={q.verdict} onChange={(e) => filter("verdict", e.target.value)}>
            <option value="">any</option>
            <option value="malicious">malicious</option>
            <option value="suspicious">suspicious</option>
            <option value="benign">benign</option>
            <option value="unknown">unknown</option>
          </select>
        </label>
        <label>
          Behaviour
          <select value={q.behavior_class} onChange={(e) => filter("behavior_class", e.target.value)}>
            <option value="">any</option>
            {BEHAVIOR_CLASSES.map((c) => (
              <option key={c} value={c}>
                {classLabel(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort
          <select value={q.sort || "recent"} onChange={(e) => filter("sort", e.target.value === "recent" ? "" : e.target.value)}>
            <option value="recent">last seen</option>
            <option value="first_seen">first seen</option>
            <option value="active">most events</option>
            <option value="traversals">most deckies</option>
            <option value="score">highest score</option>
          </select>
        </label>
      </div>
      <DataTable
        caption="Attackers"
        columns={COLUMNS}
        rows={page.data?.data ?? null}
        rowKey={(a) => a.uuid}
        loading={page.loading}
        error={page.error}
        onRetry={page.reload}
        empty="No attacker matches these filters."
        onRowActivate={(a) => navigate(`/attackers/${a.uuid}`)}
      />
      {page.data && <Pager total={page.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} />}
    </section>
  );
}
