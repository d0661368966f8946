// One campaign: its identities as a graph (cytoscape), an edge for every pair the campaign edge
// scores above zero — solid where the pair reached the threshold and joined them, dashed where it
// only contributes — and, for the selected pair, the evidence: hand-off, shared infrastructure,
// overlap, cohort and rhythm. The same pairs are listed in a table for keyboards and readers.
import { useEffect, useRef, useState } from "react";
import cytoscape from "cytoscape";
import { api } from "../api/client";
import type { CampaignDetail, CampaignEdge } from "../api/types";
import { Chip } from "../components/Chip";
import { DataTable, type Column } from "../components/DataTable";
import { addresses, formatCount, shortId } from "../lib/format";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

const PARTS: [keyof CampaignEdge, string][] = [
  ["phase_handoff", "Kill-chain hand-off"],
  ["shared_infra", "Shared payloads / C2"],
  ["temporal_overlap", "Session overlap"],
  ["cohort", "Cohort"],
  ["keystroke", "Typing rhythm"],
];

function edgeKey(e: CampaignEdge): string {
  return `${e.a}|${e.b}`;
}

function CampaignGraph({ campaign, onSelect }: { campaign: CampaignDetail; onSelect: (e: CampaignEdge) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const byKey = new Map(campaign.edges.map((e) => [edgeKey(e), e]));
    const cy = cytoscape({
      container: box.current,
      elements: [
        ...campaign.identities.map((i) => ({ data: { id: i.uuid, label: `${shortId(i.uuid)} · ${i.observation_count_live}` } })),
        ...campaign.edges.map((e) => ({ data: { id: edgeKey(e), source: e.a, target: e.b, linked: e.linked ? 1 : 0 } })),
      ],
      style: [
        { selector: "node", style: { "background-color": "#36c5a0", label: "data(label)", color: "#e6edf3", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4 } },
        { selector: "edge", style: { width: 3, "line-color": "#58a6ff", "curve-style": "bezier" } },
        { selector: "edge[linked = 0]", style: { "line-style": "dashed", "line-color": "#8b98a8", width: 1.5 } },
        { selector: "edge:selected", style: { "line-color": "#f0b429" } },
      ],
      layout: { name: campaign.identities.length > 12 ? "cose" : "circle", animate: false },
      wheelSensitivity: 0.3,
    });
    cy.on("tap", "edge", (evt) => {
      const e = byKey.get(evt.target.id());
      if (e) onSelect(e);
    });
    return () => cy.destroy();
  }, [campaign, onSelect]);
  return <div ref={box} className="campaign-graph" role="img" aria-label={`Graph of ${campaign.identities.length} identities and the evidence between them`} />;
}

function Evidence({ edge }: { edge: CampaignEdge }) {
  return (
    <div className="card" aria-live="polite">
      <h2>
        <Link href={`/identities/${edge.a}`} className="mono">
          {shortId(edge.a)}
        </Link>{" "}
        —{" "}
        <Link href={`/identities/${edge.b}`} className="mono">
          {shortId(edge.b)}
        </Link>{" "}
        {edge.linked ? <Chip tone="info">joined them</Chip> : <Chip>below the threshold</Chip>}
      </h2>
      <dl className="kv">
        {PARTS.map(([key, label]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>{(edge[key] as number).toFixed(2)}</dd>
          </div>
        ))}
        <div>
          <dt>Weighted score (1.0 joins)</dt>
          <dd>{edge.score.toFixed(2)}</dd>
        </div>
      </dl>
    </div>
  );
}

export function CampaignDetailPage({ uuid }: { uuid: string }) {
  const path = `/campaigns/${encodeURIComponent(uuid)}`;
  const detail = useApi((signal) => api.get<CampaignDetail>(path, undefined, signal), [path]);
  const [selected, setSelected] = useState<CampaignEdge | null>(null);
  const c = detail.data;
  if (detail.error && !c) {
    return (
      <section>
        <h1>Campaign</h1>
        <p className="form-error" role="alert">
          {detail.error.message}
        </p>
        <Link href="/campaigns">Back to campaigns</Link>
      </section>
    );
  }
  const columns: Column<CampaignEdge>[] = [
    {
      key: "pair",
      header: "Identities",
      render: (e) => (
        <button type="button" className="link mono" onClick={() => setSelected(e)} aria-label={`Evidence between ${shortId(e.a)} and ${shortId(e.b)}`}>
          {shortId(e.a)} — {shortId(e.b)}
        </button>
      ),
    },
    { key: "joined", header: "Joined", render: (e) => (e.linked ? "yes" : "no") },
    ...PARTS.map(([key, label]) => ({ key, header: label, className: "num", render: (e: CampaignEdge) => (e[key] as number).toFixed(2) })),
    { key: "score", header: "Score", className: "num", render: (e) => e.score.toFixed(2) },
  ];
  return (
    <section aria-labelledby="campaign-title">
      <header className="page-head">
        <h1 id="campaign-title" className="mono">
          Campaign {shortId(uuid)}
        </h1>
        {c && <Chip tone="info">{formatCount(c.identity_count_live)} identities</Chip>}
        <Link href="/campaigns" className="push-right">
          All campaigns
        </Link>
      </header>
      {!c && <p role="status">Loading…</p>}
      {c && (
        <>
          <div className="card">
            <h2>Identities and evidence</h2>
            <CampaignGraph campaign={c} onSelect={setSelected} />
          </div>
          {selected && <Evidence edge={selected} />}
          <div className="card">
            <h2>Scored pairs</h2>
            <DataTable caption="Pairs of identities scored with the campaign edge" columns={columns} rows={c.edges} rowKey={edgeKey} loading={false} error={null} empty="No pair of identities shares evidence." />
          </div>
          <div className="card">
            <h2>Identities</h2>
            <ul className="plain">
              {c.identities.map((i) => (
                <li key={i.uuid}>
                  <Link href={`/identities/${i.uuid}`} className="mono">
                    {shortId(i.uuid)}
                  </Link>{" "}
                  <span className="muted">{addresses(i.observation_count_live)}</span>
                </li>
              ))}
            </ul>
          </div>
        </>
      )}
    </section>
  );
}
