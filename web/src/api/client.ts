// The one way the dashboard talks to DECNET. Every request carries the bearer token; a 401 on
// anything but the login itself ends the session everywhere in the app (the token was revoked,
// expired, or the user's role changed). Errors keep the API's field list so forms can point at
// the field the server named.
import type {
  AttackerSession,
  Page,
  Recording,
  RuleRow,
  RuleStateName,
  Similarity,
  SimilarityKind,
  TagDetail,
  TechniqueRow,
  TechniqueScope,
} from "./types";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly fields: FieldError[];
  readonly retryAfter: number | null;

  constructor(status: number, message: string, fields: FieldError[] = [], retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }

  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }

  // One line an operator can act on: "password: required string" rather than a status code.
  describe(): string {
    if (this.fields.length === 0) return this.message;
    return this.fields.map((f) => `${f.field}: ${f.message}`).join("; ");
  }
}

// What to show an operator for any failure: the API's own words where there are some.
export function errorText(error: unknown): string {
  return error instanceof ApiError ? error.describe() : String(error);
}

export interface Session {
  token: string;
  expiresAt: number; // seconds since the epoch
}

const STORAGE_KEY = "decnet.session";

export function loadSession(storage: Storage = window.localStorage, now = Date.now()): Session | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token !== "string" || typeof parsed.expiresAt !== "number") return null;
    if (parsed.expiresAt * 1000 <= now) {
      storage.removeItem(STORAGE_KEY);
      return null;
    }
    return { token: parsed.token, expiresAt: parsed.expiresAt };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = window.localStorage): void {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let fields: FieldError[] = [];
  try {
    const body = (await response.json()) as { detail?: unknown; errors?: unknown };
    if (typeof body.detail === "string") message = body.detail;
    if (Array.isArray(body.errors)) {
      fields = body.errors.filter(
        (e): e is FieldError => typeof e?.field === "string" && typeof e?.message === "string",
      );
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status line is all there is.
  }
  const retry = Number(response.headers.get("Retry-After"));
  return new ApiError(response.status, message, fields, Number.isFinite(retry) && retry > 0 ? retry : null);
}

export interface ApiClientOptions {
  base?: string;
  fetchImpl?: typeof fetch;
  onUnauthorized?: () => void;
}

export class ApiClient {
  private token: string | null = null;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly onUnauthorized: () => void;

  constructor(options: ApiClientOptions = {}) {
    this.base = options.base ?? "/api/v1";
    this.fetchImpl = options.fetchImpl ?? ((input, init) => window.fetch(input, init));
    this.onUnauthorized = options.onUnauthorized ?? (() => {});
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  hasToken(): boolean {
    return this.token !== null;
  }

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const response = await this.fetchImpl(this.base + withQuery(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal,
      credentials: "omit",
      cache: "no-store",
    });
    if (!response.ok) {
      const error = await errorFrom(response);
      if (response.status === 401 && this.token && path !== "/auth/login") this.onUnauthorized();
      throw error;
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, { query, signal });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, { body: body ?? {} });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  // A file the API serves as an attachment (exports): fetched with the session's token, then
  // handed to the browser as a download under the name the server gave it.
  async download(path: string, query?: Query): Promise<string> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const response = await this.fetchImpl(this.base + withQuery(path, query), {
      headers,
      credentials: "omit",
      cache: "no-store",
    });
    if (!response.ok) throw await errorFrom(response);
    const disposition = response.headers.get("Content-Disposition") ?? "";
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "decnet-export.json";
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  }

  // Streams need the raw response; the caller reads and parses the body.
  async openStream(path: string, query: Query, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const response = await this.fetchImpl(this.base + withQuery(path, query), {
      headers: { Accept: "text/event-stream", ...headers },
      signal,
      credentials: "omit",
      cache: "no-store",
    });
    if (!response.ok) throw await errorFrom(response);
    return response;
  }
}

export const api = new ApiClient({
  onUnauthorized: () => window.dispatchEvent(new Event("decnet:logout")),
});

// The attacker page's behaviour sections, typed once here rather than in each component.
const attackerPath = (uuid: string) => `/attackers/${encodeURIComponent(uuid)}`;

export function fetchAttackerSessions(uuid: string, page: { limit: number; offset: number }, signal?: AbortSignal, client: ApiClient = api) {
  return client.get<Page<AttackerSession>>(`${attackerPath(uuid)}/sessions`, page, signal);
}

export function fetchRecording(sessionUuid: string, signal?: AbortSignal, client: ApiClient = api) {
  return client.get<Recording>(`/sessions/${encodeURIComponent(sessionUuid)}/recording`, undefined, signal);
}

export function fetchAttackerTechniques(uuid: string, signal?: AbortSignal, client: ApiClient = api) {
  return fetchTechniques("attacker", uuid, signal, client);
}

// The techniques seen in a scope (the fleet takes no id).
export function fetchTechniques(scope: TechniqueScope, id: string | null, signal?: AbortSignal, client: ApiClient = api) {
  const path = scope === "fleet" ? "/ttp/techniques" : `/ttp/by-${scope}/${encodeURIComponent(id ?? "")}`;
  return client.get<TechniqueRow[]>(path, undefined, signal);
}

// The tags of one technique (or sub-technique) in a scope, newest first.
export function fetchTechniqueTags(
  scope: TechniqueScope,
  id: string | null,
  technique: string,
  sub: string | null,
  signal?: AbortSignal,
  client: ApiClient = api,
) {
  const path =
    scope === "fleet"
      ? `/ttp/tags/${encodeURIComponent(technique)}`
      : `/ttp/tags/by-${scope}/${encodeURIComponent(id ?? "")}/${encodeURIComponent(technique)}`;
  return client.get<TagDetail[]>(path, { sub_technique_id: sub, limit: 200 }, signal);
}

export function fetchRules(signal?: AbortSignal, client: ApiClient = api) {
  return client.get<RuleRow[]>("/ttp/rules", undefined, signal);
}

export function setRuleState(
  ruleId: string,
  state: { state: RuleStateName; confidence_max?: number; reason?: string },
  client: ApiClient = api,
) {
  return client.post<RuleRow>(`/ttp/rules/${encodeURIComponent(ruleId)}/state`, state);
}

export function clearRuleState(ruleId: string, client: ApiClient = api) {
  return client.delete<RuleRow>(`/ttp/rules/${encodeURIComponent(ruleId)}/state`);
}

export function fetchSimilar(uuid: string, kind: SimilarityKind, k = 10, signal?: AbortSignal, client: ApiClient = api) {
  return client.get<Similarity>(`${attackerPath(uuid)}/similar`, { kind, k }, signal);
}
