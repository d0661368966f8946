// The ATT&CK rule pack as the tagger runs it: each rule, what it looks at and the operators'
// decision on it. Admins enable, disable or clip a rule (cap its confidence); the tagger applies
// a change to the next event it tags.
import { useState } from "react";
import { clearRuleState, fetchRules, setRuleState } from "../api/client";
import type { RuleRow, RuleStateName } from "../api/types";
import { Chip, type Tone } from "../components/Chip";
import { Link } from "../lib/router";
import { useApi } from "../lib/useApi";

const STATE_TONE: Record<RuleStateName, Tone> = { enabled: "good", disabled: "bad", clipped: "warn" };

function RuleActions({ rule, onChanged }: { rule: RuleRow; onChanged: () => void }) {
  const [clipping, setClipping] = useState(false);
  const [ceiling, setCeiling] = useState("0.5");
  const [error, setError] = useState<string | null>(null);
  const act = async (change: () => Promise<unknown>) => {
    setError(null);
    try {
      await change();
      setClipping(false);
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="rule-actions">
      {rule.state !== "enabled" && (
        <button type="button" onClick={() => void act(() => clearRuleState(rule.rule_id))} aria-label={`Enable ${rule.rule_id}`}>
          Enable
        </button>
      )}
      {rule.state !== "disabled" && (
        <button type="button" onClick={() => void act(() => setRuleState(rule.rule_id, { state: "disabled" }))} aria-label={`Disable ${rule.rule_id}`}>
          Disable
        </button>
      )}
      {!clipping && (
        <button type="button" onClick={() => setClipping(true)} aria-label={`Clip ${rule.rule_id}`}>
          Clip…
        </button>
      )}
      {clipping && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => setRuleState(rule.rule_id, { state: "clipped", confidence_max: Number(ceiling) }));
          }}
        >
          <label>
            Ceiling{" "}
            <input type="number" min="0" max="1" step="0.05" value={ceiling} onChange={(e) => setCeiling(e.target.value)} aria-label={`Confidence ceiling of ${rule.rule_id}`} />
          </label>
          <button type="submit">Save</button>
          <button type="button" className="link" onClick={() => setClipping(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <span className="form-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function RulesPage({ isAdmin }: { isAdmin: boolean }) {
  const rules = useApi((signal) => fetchRules(signal), []);
  return (
    <section aria-labelledby="rules-title">
      <header className="page-head">
        <h1 id="rules-title">ATT&amp;CK rules</h1>
        <Link href="/techniques" className="push-right">
          Matrix
        </Link>
      </header>
      <div className="card">
        {rules.error && (
          <p className="form-error" role="alert">
            Could not load rules: {rules.error.message}{" "}
            <button type="button" className="link" onClick={rules.reload}>
              Retry
            </button>
          </p>
        )}
        {!rules.data && !rules.error && <p role="status">Loading…</p>}
        {rules.data && (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Rules</caption>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Name</th>
                  <th scope="col">Looks at</th>
                  <th scope="col">State</th>
                  {isAdmin && <th scope="col">Change</th>}
                </tr>
              </thead>
              <tbody>
                {rules.data.map((r) => (
                  <tr key={r.rule_id} data-rule={r.rule_id}>
                    <td className="mono">{r.rule_id}</td>
                    <td title={r.description}>
                      {r.name}
                      <div className="muted small">{r.kind === "pattern" ? "pattern" : r.kind.replace("lifter:", "")}</div>
                    </td>
                    <td>{r.applies_to.join(", ")}</td>
                    <td>
                      <Chip tone={STATE_TONE[r.state] ?? "neutral"}>{r.state}</Chip>
                      {r.state === "clipped" && r.confidence_max !== null && <span className="muted"> ≤ {Math.round(r.confidence_max * 100)}%</span>}
                      {r.set_by && <div className="muted small">by {r.set_by}</div>}
                    </td>
                    {isAdmin && (
                      <td>
                        <RuleActions rule={r} onChanged={rules.reload} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}
