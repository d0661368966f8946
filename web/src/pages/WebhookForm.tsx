// Create or edit a subscription, in simple or advanced mode. Field errors from the server (a URL
// refused by the SSRF guard, a pattern the bus matcher rejects) are shown next to their field.
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import type { Webhook } from "../api/types";
import { Drawer } from "../components/Drawer";
import { isInsecureUrl, parsePatterns, SIMPLE_EVENTS, simpleEventsFor } from "../lib/webhookForm";

export function WebhookForm({ existing, onClose, onSaved }: { existing: Webhook | null; onClose: () => void; onSaved: (hook: Webhook) => void }) {
  const initialSimple = existing ? simpleEventsFor(existing.topic_patterns) : ["AttackerDetail"];
  const [name, setName] = useState(existing?.name ?? "");
  const [url, setUrl] = useState(existing?.url ?? "");
  const [mode, setMode] = useState<"simple" | "advanced">(initialSimple ? "simple" : "advanced");
  const [events, setEvents] = useState<string[]>(initialSimple ?? []);
  const [patterns, setPatterns] = useState((existing?.topic_patterns ?? []).join("\n"));
  const [secret, setSecret] = useState("");
  const [batchEvents, setBatchEvents] = useState(existing?.batch_max_events ?? 1);
  const [batchWait, setBatchWait] = useState(existing?.batch_max_wait_ms ?? 0);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body: Record<string, unknown> = { name, url, batch_max_events: batchEvents, batch_max_wait_ms: batchWait };
    if (mode === "simple") body.simple_events = events;
    else body.topic_patterns = parsePatterns(patterns);
    if (secret) body.secret = secret;
    try {
      const saved = existing ? await api.patch<Webhook>(`/webhooks/${existing.uuid}`, body) : await api.post<Webhook>("/webhooks", body);
      onSaved(saved);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      setBusy(false);
    }
  };

  const fieldError = (field: string) =>
    error?.fieldMessage(field) ? (
      <span className="field-error" id={`err-${field}`}>
        {error.fieldMessage(field)}
      </span>
    ) : null;

  return (
    <Drawer title={existing ? `Edit ${existing.name}` : "New webhook"} onClose={onClose}>
      <form className="form-stack" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} aria-invalid={!!error?.fieldMessage("name")} aria-describedby="err-name" />
          {fieldError("name")}
        </label>
        <label>
          URL
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://siem.example.com/hooks/decnet" aria-invalid={!!error?.fieldMessage("url")} aria-describedby="err-url" />
          {fieldError("url")}
        </label>
        {isInsecureUrl(url) && (
          <p className="warn-text" role="note">
            Plain http: events and their signature travel unencrypted. Use https unless the receiver is on a trusted network.
          </p>
        )}
        <fieldset>
          <legend>Events</legend>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === "simple"} onChange={() => setMode("simple")} /> Simple
          </label>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === "advanced"} onChange={() => setMode("advanced")} /> Advanced (bus patterns)
          </label>
          {mode === "simple" ? (
            <div className="checks">
              {SIMPLE_EVENTS.map((g) => (
                <label key={g.name} className="inline">
                  <input
                    type="checkbox"
                    checked={events.includes(g.name)}
                    onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, g.name] : cur.filter((n) => n !== g.name)))}
                  />{" "}
                  {g.label}
                </label>
              ))}
              {fieldError("simple_events")}
            </div>
          ) : (
            <label>
              Patterns, one per line
              <textarea rows={4} value={patterns} onChange={(e) => setPatterns(e.target.value)} placeholder={"attacker.>\ncredential.captured"} aria-invalid={!!error?.fieldMessage("topic_patterns")} aria-describedby="err-topic_patterns" />
              {fieldError("topic_patterns")}
            </label>
          )}
        </fieldset>
        <label>
          Signing secret {existing ? "(leave empty to keep the current one)" : "(leave empty to generate one)"}
          <input type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} minLength={16} maxLength={256} aria-invalid={!!error?.fieldMessage("secret")} />
          {fieldError("secret")}
        </label>
        <fieldset>
          <legend>Batching</legend>
          <label className="inline">
            Events per request
            <input type="number" min={1} max={1000} value={batchEvents} onChange={(e) => setBatchEvents(Number(e.target.value))} />
          </label>
          <label className="inline">
            Wait up to (ms)
            <input type="number" min={0} max={60000} value={batchWait} onChange={(e) => setBatchWait(Number(e.target.value))} />
          </label>
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {error.fields.length ? "Check the highlighted fields." : error.describe()}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {existing ? "Save" : "Create"}
        </button>
      </form>
    </Drawer>
  );
}
