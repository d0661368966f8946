// Identities: the actors behind the addresses. The list opens on identities that tie two or
// more addresses together — the ones that say something — with a switch to every identity.
import { api } from "../api/client";
import type { Identity, Page } from "../api/types";
import { DataTable, type Column } from "../components/DataTable";
import { Pager } from "../components/Pager";
import { Time } from "../components/Time";
import { formatCount, shortId } from "../lib/format";
import { Link, setQuery, useLocation } from "../lib/router";
import { useApi } from "../lib/useApi";

const LIMIT = 50;

function count(values: string[] | null): number {
  return values?.length ?? 0;
}

export function IdentitiesPage() {
  const location = useLocation();
  const offset = Math.max(0, Number(location.query.get("offset")) || 0);
  const everyone = location.query.get("all") === "1";
  const list = useApi(
    (signal) => api.get<Page<Identity>>("/identities", { min_members: everyone ? 1 : 2, limit: LIMIT, offset }, signal),
    [everyone, offset],
  );
  const columns: Column<Identity>[] = [
    {
      key: "identity",
      header: "Identity",
      render: (i) => (
        <Link href={`/identities/${i.uuid}`} className="mono">
          {shortId(i.uuid)}
        </Link>
      ),
    },
    { key: "addresses", header: "Addresses", className: "num", render: (i) => formatCount(i.observation_count) },
    { key: "ja3", header: "JA3", className: "num", render: (i) => formatCount(count(i.ja3_hashes)) },
    { key: "hassh", header: "HASSH", className: "num", render: (i) => formatCount(count(i.hassh_hashes)) },
    { key: "infra", header: "Payloads / C2", className: "num", render: (i) => `${count(i.payload_hashes)} / ${count(i.c2_endpoints)}` },
    {
      key: "campaign",
      header: "Campaign",
      render: (i) =>
        i.campaign_id ? (
          <Link href={`/campaigns/${i.campaign_id}`} className="mono">
            {shortId(i.campaign_id)}
          </Link>
        ) : (
          "—"
        ),
    },
    { key: "last", header: "Last seen", render: (i) => <Time value={i.last_seen_at} relative /> },
  ];
  return (
    <section aria-labelledby="identities-title">
      <header className="page-head">
        <h1 id="identities-title">Identities</h1>
        <label className="push-right">
          <input type="checkbox" checked={everyone} onChange={(e) => setQuery({ all: e.target.checked ? "1" : null, offset: null })} /> Include single-address identities
        </label>
        <Link href="/campaigns">Campaigns</Link>
      </header>
      <div className="card">
        <DataTable
          caption={everyone ? "Every identity" : "Identities with two or more addresses"}
          columns={columns}
          rows={list.data?.data ?? null}
          rowKey={(i) => i.uuid}
          loading={list.loading}
          error={list.error}
          onRetry={list.reload}
          empty={everyone ? "No identity yet." : "No identity ties several addresses together yet."}
        />
        {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} />}
      </div>
    </section>
  );
}
