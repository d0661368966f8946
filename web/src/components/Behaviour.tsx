// What the profiler concluded about an attacker: its class and score with the reasons behind
// them, beacon timing when it beacons, the tools it gave away, and the kill-chain phases reached.
import type { Behaviour, KillChainPhase } from "../api/types";
import { classLabel, classTone, formatDuration, microsToSeconds, orderedPhases, phaseLabel } from "../lib/behaviour";
import { formatCount } from "../lib/format";
import { Chip } from "./Chip";
import { Time } from "./Time";

export function BehaviourCard({ behaviour }: { behaviour: Behaviour | null }) {
  return (
    <div className="card" role="region" aria-labelledby="behaviour-title">
      <h2 id="behaviour-title">Behaviour</h2>
      {behaviour ? <BehaviourFacts b={behaviour} /> : <p className="muted">Not profiled yet: the profile appears once this attacker's events have been analysed.</p>}
    </div>
  );
}

function BehaviourFacts({ b }: { b: Behaviour }) {
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Class</dt>
          <dd>
            <ClassChip cls={b.behavior_class} />
          </dd>
        </div>
        <div>
          <dt>Score</dt>
          <dd data-testid="behaviour-score">{formatCount(b.score)}</dd>
        </div>
        {b.beacon_interval_s !== null && (
          <div>
            <dt>Beacon</dt>
            <dd>
              every {formatDuration(b.beacon_interval_s)}
              {b.beacon_jitter_pct !== null && <span className="muted"> ± {b.beacon_jitter_pct.toFixed(1)} % jitter</span>}
            </dd>
          </div>
        )}
        {b.timing && (
          <div>
            <dt>Timing</dt>
            <dd>
              {formatCount(b.timing.event_count)} events over {formatDuration(b.timing.duration_s)}
              <span className="muted"> · mean gap {formatDuration(b.timing.mean_iat_s)}</span>
            </dd>
          </div>
        )}
        <div>
          <dt>Updated</dt>
          <dd>
            <Time value={b.updated_at} relative />
          </dd>
        </div>
      </dl>
      <h3>Reasons</h3>
      {b.reasons.length > 0 ? (
        <ul className="reasons" aria-label="Reasons for the class and score">
          {b.reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No reason recorded.</p>
      )}
      <h3>Tools</h3>
      {b.tools.length > 0 ? (
        <ul className="pill-list" aria-label="Tools identified">
          {b.tools.map((t) => (
            <li key={`${t.tool}:${t.evidence}`} title={t.evidence}>
              {t.tool}
              {t.automated && <span className="muted"> · automated</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No tool identified.</p>
      )}
      <h3>Kill chain</h3>
      <PhaseTimeline phases={b.phases} />
    </>
  );
}

export function ClassChip({ cls }: { cls: string | null | undefined }) {
  return <Chip tone={classTone(cls)}>{classLabel(cls)}</Chip>;
}

export function PhaseTimeline({ phases }: { phases: KillChainPhase[] }) {
  const ordered = orderedPhases(phases);
  if (ordered.length === 0) return <p className="muted">No kill-chain phase reached.</p>;
  return (
    <ol className="phase-line" aria-label="Kill-chain phases in the order reached">
      {ordered.map((p) => (
        <li key={p.phase}>
          <span className="phase-name">{phaseLabel(p.phase)}</span>
          <Time value={p.first_at > 0 ? microsToSeconds(p.first_at) : null} />
        </li>
      ))}
    </ol>
  );
}
