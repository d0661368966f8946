// The sign-in flow against a scripted fetch: a first sign-in that must change its password goes
// through the change form, then signs in again with the new password.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../src/App";

type Handler = (body: Record<string, string>, auth: string | null) => [number, unknown];

function scriptFetch(routes: Record<string, Handler>) {
  const calls: string[] = [];
  const impl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const key = `${init?.method ?? "GET"} ${url.pathname}`;
    calls.push(key);
    const handler = routes[key];
    if (!handler) return new Response(JSON.stringify({ detail: "Not Found" }), { status: 404 });
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const [status, body] = handler(init?.body ? JSON.parse(String(init.body)) : {}, headers.Authorization ?? null);
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  });
  return { impl, calls };
}

describe("sign-in", () => {
  beforeEach(() => window.history.replaceState(null, "", "/"));
  afterEach(() => vi.unstubAllGlobals());

  it("forces a password change, then signs in with the new password", async () => {
    let password = "Initial-Passw0rd!";
    let mustChange = true;
    const { impl, calls } = scriptFetch({
      "POST /api/v1/auth/login": (b) =>
        b.password === password ? [200, { access_token: mustChange ? "first" : "second", expires_at: Date.now() / 1000 + 3600, must_change_password: mustChange, token_type: "bearer" }] : [401, { detail: "Incorrect username or password" }],
      "POST /api/v1/auth/change-password": (b, auth) => {
        if (auth !== "Bearer first" || b.old_password !== password) return [401, { detail: "Incorrect old password" }];
        password = b.new_password;
        mustChange = false;
        return [200, { message: "Password updated" }];
      },
      "GET /api/v1/auth/me": (_b, auth) => (auth === "Bearer second" ? [200, { uuid: "u1", username: "admin", role: "admin", must_change_password: false }] : [401, { detail: "no" }]),
      "GET /api/v1/stats": () => [200, { generated_at: "2026-12-04T12:00:00Z", events: { total: 12, last_24h: 3 }, attackers: { total: 4, last_24h: 1 }, credentials: { total: 5, last_24h: 2 }, reuse_findings: { total: 1, last_24h: 0 }, top_services: [{ name: "ssh", count: 9 }], top_deckies: [], top_countries: [], top_usernames: [], top_passwords: [] }],
      "GET /api/v1/logs/histogram": () => [200, []],
      "GET /api/v1/webhooks": () => [200, []],
    });
    vi.stubGlobal("fetch", impl);
    render(<App />);

    fireEvent.change(await screen.findByLabelText("Username"), { target: { value: "admin" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "wrong-password-x" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Incorrect username or password.");

    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "Initial-Passw0rd!" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const fresh = await screen.findByLabelText("New password");
    const submit = screen.getByRole("button", { name: "Set password" }) as HTMLButtonElement;
    fireEvent.change(fresh, { target: { value: "Changed-Passw0rd!" } });
    expect(submit.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Confirm new password"), { target: { value: "Changed-Passw0rd!" } });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);

    await screen.findByRole("heading", { name: "Overview" });
    await waitFor(() => expect(screen.getByRole("group", { name: "Events" }).textContent).toContain("12"));
    expect(password).toBe("Changed-Passw0rd!");
    expect(calls.filter((c) => c === "POST /api/v1/auth/login")).toHaveLength(3);
    expect(JSON.parse(window.localStorage.getItem("decnet.session")!).token).toBe("second");
  });
});
