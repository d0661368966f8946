// Threat intel for one attacker, fetched by uuid on its own so a slow or missing intel row never
// holds up the rest of the detail page. 404 means no provider has answered yet.
import { api, ApiError } from "../api/client";
import type { Intel } from "../api/types";
import { VerdictChip } from "../components/Chip";
import { Time } from "../components/Time";
import { useApi } from "../lib/useApi";

type Raw = Record<string, unknown> | null | undefined;

function abuseScore(raw: Raw): string {
  const data = (raw?.data as Raw) ?? raw;
  const score = data?.abuseConfidenceScore;
  return typeof score === "number" ? `confidence score ${score} / 100` : "no score";
}

// How each provider's answer reads in one line; the raw answer stays in the API for detail.
const PROVIDERS: { key: string; label: string; describe: (raw: Raw) => string }[] = [
  { key: "greynoise", label: "GreyNoise", describe: (raw) => String(raw?.classification ?? "no data") },
  { key: "abuseipdb", label: "AbuseIPDB", describe: abuseScore },
  { key: "feodo", label: "Feodo Tracker", describe: (raw) => (raw?.listed ? "on the C2 blocklist" : "not on the C2 blocklist") },
  { key: "threatfox", label: "ThreatFox", describe: (raw) => (raw?.listed ? "IOC match" : "no IOC match") },
];

export function IntelPanel({ uuid }: { uuid: string }) {
  const intel = useApi(
    (signal) =>
      api.get<Intel>(`/attackers/${encodeURIComponent(uuid)}/intel`, undefined, signal).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [uuid],
  );
  return (
    <div className="card" aria-labelledby="intel-title" role="region">
      <h2 id="intel-title">Threat intel</h2>
      {intel.loading && !intel.data && <p role="status">Loading…</p>}
      {intel.error && <p className="form-error">Could not load intel: {intel.error.message}</p>}
      {!intel.loading && !intel.error && !intel.data && <p className="muted">No intel yet: providers have not answered for this address.</p>}
      {intel.data && (
        <>
          <p>
            Verdict <VerdictChip verdict={intel.data.aggregate_verdict} />
          </p>
          <dl className="facts">
            {PROVIDERS.map((p) => {
              const r = intel.data!.providers[p.key];
              return (
                <div key={p.key}>
                  <dt>{p.label}</dt>
                  <dd>
                    {!r ? (
                      <span className="muted">not queried</span>
                    ) : r.error ? (
                      <span className="warn-text" title={String(r.error)}>
                        error: {String(r.error)}
                      </span>
                    ) : (
                      <>
                        {p.describe(r.raw as Raw)} {r.verdict && <VerdictChip verdict={r.verdict as Intel["aggregate_verdict"]} />}{" "}
                        <span className="muted">
                          <Time value={r.queried_at ?? null} relative />
                        </span>
                      </>
                    )}
                  </dd>
                </div>
              );
            })}
            <div>
              <dt>Cached</dt>
              <dd>
                <Time value={intel.data.cached_at} /> · expires <Time value={intel.data.expires_at} relative />
              </dd>
            </div>
          </dl>
        </>
      )}
    </div>
  );
}
