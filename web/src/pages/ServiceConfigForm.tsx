// A service's settings, as a form generated from its schema (GET
// /topologies/services/{name}/schema): text, password, number, checkbox, textarea, choice and
// multiple choice. A secret is shown masked and sent only when typed again. "Save" keeps the
// settings for the service's next restart; "Save and apply" restarts it with them now.
import { useState, type FormEvent } from "react";
import { api, ApiError, errorText } from "../api/client";
import type { ServiceField, ServiceSchema } from "../api/types";
import { Drawer } from "../components/Drawer";
import { useApi } from "../lib/useApi";

export const MASKED = "********";

// The value a field starts with: the decky's current setting, else the schema's default.
export function initialValue(field: ServiceField, current: Record<string, string>): string {
  const value = current[field.key];
  if (value !== undefined) return value;
  if (Array.isArray(field.default)) return field.default.join(",");
  if (field.default === null || field.default === undefined) return "";
  return String(field.default);
}

// What is sent: every field, except secrets left masked (unchanged on the server).
export function changedConfig(fields: ServiceField[], values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.key] ?? "";
    if (f.secret && v === MASKED) continue;
    out[f.key] = v;
  }
  return out;
}

export function ServiceConfigForm({ decky, service, current, onClose, onSaved }: { decky: string; service: string; current: Record<string, string>; onClose: () => void; onSaved: (applied: boolean) => void }) {
  const schema = useApi((signal) => api.get<ServiceSchema>(`/topologies/services/${encodeURIComponent(service)}/schema`, undefined, signal), [service]);
  const [values, setValues] = useState<Record<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = schema.data?.fields ?? [];
  const shown = values ?? Object.fromEntries(fields.map((f) => [f.key, initialValue(f, current)]));
  const set = (key: string, value: string) => setValues({ ...shown, [key]: value });

  const save = async (apply: boolean) => {
    setBusy(true);
    setError(null);
    const path = `/deckies/${encodeURIComponent(decky)}/services/${encodeURIComponent(service)}/${apply ? "apply" : "config"}`;
    const body = { config: changedConfig(fields, shown) };
    try {
      if (apply) await api.post(path, body);
      else await api.request("PUT", path, { body });
      onSaved(apply);
    } catch (e) {
      setError(e instanceof ApiError ? e.describe() : errorText(e));
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(true);
  };

  return (
    <Drawer title={`${service} on ${decky}`} onClose={onClose}>
      {schema.error && <p role="alert">{errorText(schema.error)}</p>}
      {schema.data && fields.length === 0 && <p className="muted">No customizable fields for {service}.</p>}
      <form className="form-stack" onSubmit={submit}>
        {fields.map((f) => (
          <FieldInput key={f.key} field={f} value={shown[f.key] ?? ""} onChange={(v) => set(f.key, v)} />
        ))}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" disabled={busy || !schema.data} onClick={() => void save(false)}>
            Save
          </button>
          <button type="submit" className="primary" disabled={busy || !schema.data}>
            Save and apply
          </button>
        </div>
      </form>
    </Drawer>
  );
}

function FieldInput({ field, value, onChange }: { field: ServiceField; value: string; onChange: (value: string) => void }) {
  const label = `${field.label || field.key}${field.secret ? " · secret" : ""}`;
  const help = field.help ? <small>{field.help}</small> : null;
  switch (field.type) {
    case "bool":
      return (
        <label className="inline">
          <input type="checkbox" checked={value === "true"} onChange={(e) => onChange(e.target.checked ? "true" : "false")} /> {label}
          {help}
        </label>
      );
    case "int":
      return (
        <label>
          {label}
          <input type="number" value={value} onChange={(e) => onChange(e.target.value)} />
          {help}
        </label>
      );
    case "password":
      return (
        <label>
          {label}
          <input type="password" autoComplete="new-password" value={value} onChange={(e) => onChange(e.target.value)} />
          {help}
        </label>
      );
    case "textarea":
      return (
        <label>
          {label}
          <textarea rows={4} value={value} onChange={(e) => onChange(e.target.value)} />
          {help}
        </label>
      );
    case "enum":
      return (
        <label>
          {label}
          <select value={value} onChange={(e) => onChange(e.target.value)}>
            {(field.enum ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          {help}
        </label>
      );
    case "multi_enum": {
      const chosen = value ? value.split(",") : [];
      return (
        <fieldset>
          <legend>{label}</legend>
          {(field.enum ?? []).map((c) => (
            <label key={c} className="inline">
              <input type="checkbox" checked={chosen.includes(c)} onChange={(e) => onChange((e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c)).join(","))} /> {c}
            </label>
          ))}
          {help}
        </fieldset>
      );
    }
    default:
      return (
        <label>
          {label}
          <input value={value} onChange={(e) => onChange(e.target.value)} />
          {help}
        </label>
      );
  }
}
