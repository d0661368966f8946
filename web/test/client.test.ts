import { describe, expect, it, vi } from "vitest";
import { ApiClient, ApiError, loadSession, saveSession, withQuery } from "../src/api/client";

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

describe("ApiClient", () => {
  it("sends the bearer token, JSON body and query, and parses the answer", async () => {
    const fetchImpl = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => jsonResponse(201, { uuid: "u-1" }));
    const client = new ApiClient({ fetchImpl });
    client.setToken("tok-123");
    const out = await client.request<{ uuid: string }>("POST", "/users", { body: { username: "ana" }, query: { dry: true, skip: "" } });
    expect(out.uuid).toBe("u-1");
    const [url, init] = fetchImpl.mock.calls[0];
    expect(url).toBe("/api/v1/users?dry=true");
    expect((init!.headers as Record<string, string>).Authorization).toBe("Bearer tok-123");
    expect(init!.body).toBe('{"username":"ana"}');
    expect(init!.credentials).toBe("omit");
  });

  it("keeps the server's field errors and Retry-After", async () => {
    const fetchImpl = vi.fn(async () =>
      jsonResponse(422, { detail: "Invalid request parameters", errors: [{ field: "url", message: "resolves to a private address" }] }, { "Retry-After": "7" }),
    );
    const client = new ApiClient({ fetchImpl });
    const error = await client.get("/webhooks").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const api = error as ApiError;
    expect(api.status).toBe(422);
    expect(api.fieldMessage("url")).toBe("resolves to a private address");
    expect(api.describe()).toBe("url: resolves to a private address");
    expect(api.retryAfter).toBe(7);
  });

  it("reports a non-JSON error by its status line", async () => {
    const client = new ApiClient({ fetchImpl: async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }) });
    await expect(client.get("/health")).rejects.toMatchObject({ status: 502, message: "502 Bad Gateway" });
  });

  it("ends the session on a 401 from an authenticated call, not from the login itself", async () => {
    const onUnauthorized = vi.fn();
    const client = new ApiClient({ fetchImpl: async () => jsonResponse(401, { detail: "Not authenticated" }), onUnauthorized });
    await expect(client.post("/auth/login", { username: "a", password: "b" })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).not.toHaveBeenCalled();
    client.setToken("stale");
    await expect(client.get("/attackers")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe("session storage", () => {
  it("round-trips a live session and drops an expired one", () => {
    const now = Date.UTC(2026, 0, 1);
    saveSession({ token: "t", expiresAt: now / 1000 + 60 });
    expect(loadSession(window.localStorage, now)).toEqual({ token: "t", expiresAt: now / 1000 + 60 });
    expect(loadSession(window.localStorage, now + 61_000)).toBeNull();
    expect(window.localStorage.length).toBe(0);
  });

  it("ignores garbage in storage", () => {
    window.localStorage.setItem("decnet.session", "{not json");
    expect(loadSession()).toBeNull();
    window.localStorage.setItem("decnet.session", JSON.stringify({ token: 5 }));
    expect(loadSession()).toBeNull();
  });
});

describe("withQuery", () => {
  it("skips empty values and encodes the rest", () => {
    expect(withQuery("/attackers", { search: "203.0.113.", verdict: undefined, offset: 0, country: null })).toBe("/attackers?search=203.0.113.&offset=0");
    expect(withQuery("/x", { q: "a b&c" })).toBe("/x?q=a+b%26c");
    expect(withQuery("/x")).toBe("/x");
  });
});
