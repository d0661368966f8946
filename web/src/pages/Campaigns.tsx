// Campaigns: the operations behind several identities.
import { api } from "../api/client";
import type { Campaign, Page } from "../api/types";
import { DataTable, type Column } from "../components/DataTable";
import { Pager } from "../components/Pager";
import { Time } from "../components/Time";
import { formatCount, shortId } from "../lib/format";
import { Link, setQuery, useLocation } from "../lib/router";
import { useApi } from "../lib/useApi";

const LIMIT = 50;

export function CampaignsPage() {
  const location = useLocation();
  const offset = Math.max(0, Number(location.query.get("offset")) || 0);
  const list = useApi((signal) => api.get<Page<Campaign>>("/campaigns", { limit: LIMIT, offset }, signal), [offset]);
  const columns: Column<Campaign>[] = [
    {
      key: "campaign",
      header: "Campaign",
      render: (c) => (
        <Link href={`/campaigns/${c.uuid}`} className="mono">
          {shortId(c.uuid)}
        </Link>
      ),
    },
    { key: "identities", header: "Identities at formation", className: "num", render: (c) => formatCount(c.identity_count) },
    { key: "created", header: "Formed", render: (c) => <Time value={c.created_at} relative /> },
    { key: "updated", header: "Changed", render: (c) => <Time value={c.updated_at} relative /> },
  ];
  return (
    <section aria-labelledby="campaigns-title">
      <header className="page-head">
        <h1 id="campaigns-title">Campaigns</h1>
        <Link href="/identities" className="push-right">
          Identities
        </Link>
      </header>
      <div className="card">
        <DataTable caption="Campaigns" columns={columns} rows={list.data?.data ?? null} rowKey={(c) => c.uuid} loading={list.loading} error={list.error} onRetry={list.reload} empty="No campaign yet: no two identities have been seen working together." />
        {list.data && <Pager total={list.data.total} limit={LIMIT} offset={offset} onChange={(o) => setQuery({ offset: o || null })} />}
      </div>
    </section>
  );
}
