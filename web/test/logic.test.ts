import { describe, expect, it } from "vitest";
import type { BusEvent } from "../src/api/types";
import { feedRows, prepend } from "../src/lib/feed";
import { flag, formatRelative, formatUtc, parseTime } from "../src/lib/format";
import { passwordAcceptable, passwordChecks } from "../src/lib/password";
import { matchPath } from "../src/lib/router";
import { isInsecureUrl, parsePatterns, simpleEventsFor } from "../src/lib/webhookForm";
import { minuteSeries } from "../src/pages/Overview";
import { heat } from "../src/pages/Techniques";

describe("feedRows", () => {
  it("expands a committed ingest batch into one row per event", () => {
    const event: BusEvent = {
      id: "e1",
      topic: "system.log",
      type: "batch_committed",
      ts: 1796405285.6,
      payload: {
        events: [
          { id: 401, attacker_ip: "203.0.113.99", decky: "decky-02", event_type: "auth_attempt", service: "ssh", timestamp: "2026-12-04T17:28:05.607748Z" },
          { id: 402, attacker_ip: null, decky: "decky-03", event_type: "connection", service: "ftp", timestamp: "bogus" },
        ],
      },
    };
    const rows = feedRows(event);
    expect(rows.map((r) => r.summary)).toEqual(["ssh auth_attempt on decky-02", "ftp connection on decky-03"]);
    expect(rows[0].time).toBe(Date.parse("2026-12-04T17:28:05.607748Z"));
    expect(rows[1].time).toBe(1796405285600);
    expect(rows[0].attackerIp).toBe("203.0.113.99");
    expect(rows[1].attackerIp).toBeNull();
  });

  it("summarises any other event from its payload", () => {
    const rows = feedRows({ id: "e2", topic: "credential.captured", type: "captured", ts: 10, payload: { attacker_uuid: "u1", attacker_ip: "198.51.100.1", service: "ftp", decky: "d1", secret_kind: "plaintext" } });
    expect(rows).toHaveLength(1);
    expect(rows[0].summary).toBe("ftp on d1 plaintext");
    expect(rows[0].attackerUuid).toBe("u1");
  });

  it("keeps the newest rows first and caps the list", () => {
    const row = (k: string) => ({ key: k, time: 0, topic: "t", summary: "", attackerUuid: null, attackerIp: null });
    const rows = prepend([row("a"), row("b")], [row("c"), row("d")], 3);
    expect(rows.map((r) => r.key)).toEqual(["d", "c", "a"]);
  });
});

describe("format", () => {
  it("parses RFC 3339 and epoch seconds and rejects junk", () => {
    expect(parseTime("2026-12-04T17:28:05Z")!.getTime()).toBe(Date.UTC(2026, 11, 4, 17, 28, 5));
    expect(parseTime(1796405285)!.getTime()).toBe(1796405285000);
    expect(parseTime("yesterday")).toBeNull();
    expect(parseTime(null)).toBeNull();
  });

  it("formats UTC and relative times", () => {
    expect(formatUtc(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe("2026-01-02 03:04:05 UTC");
    const now = Date.UTC(2026, 0, 1, 12);
    expect(formatRelative(new Date(now - 2_000), now)).toBe("just now");
    expect(formatRelative(new Date(now - 125_000), now)).toBe("2m ago");
    expect(formatRelative(new Date(now - 3 * 86_400_000), now)).toBe("3d ago");
    expect(formatRelative(new Date(now + 7_200_000), now)).toBe("2h from now");
  });

  it("turns country codes into flags and nothing else", () => {
    expect(flag("de")).toBe("🇩🇪");
    expect(flag("DEU")).toBe("");
    expect(flag(null)).toBe("");
  });
});

describe("password checklist", () => {
  it("asks for length, three classes and a matching confirmation", () => {
    expect(passwordAcceptable("Short1!", "Short1!")).toBe(false);
    expect(passwordAcceptable("alllowercaseletters", "alllowercaseletters")).toBe(false);
    expect(passwordAcceptable("Correct-horse-9", "Correct-horse-8")).toBe(false);
    expect(passwordAcceptable("Correct-horse-9", "Correct-horse-9")).toBe(true);
    expect(passwordChecks("x".repeat(73), "").find((c) => c.label.startsWith("12"))!.ok).toBe(false);
  });
});

describe("matchPath", () => {
  it("extracts and decodes parameters", () => {
    expect(matchPath("/attackers/:uuid", "/attackers/ab%2Fc")).toEqual({ uuid: "ab/c" });
    expect(matchPath("/attackers/:uuid", "/attackers")).toBeNull();
    expect(matchPath("/attackers/:uuid", "/users/x")).toBeNull();
    expect(matchPath("/attackers/:uuid", "/attackers/%E0%A4%A")).toBeNull();
  });
});

describe("webhook form helpers", () => {
  it("recognises patterns that are exactly simple groups", () => {
    expect(simpleEventsFor(["attacker.>"])).toEqual(["AttackerDetail"]);
    expect(simpleEventsFor(["decky.*.traffic", "system.>", "decky.*.state"])).toEqual(["DeckyStatus", "SystemStatus"]);
    expect(simpleEventsFor(["decky.*.state"])).toBeNull();
    expect(simpleEventsFor(["attacker.>", "credential.captured"])).toBeNull();
    expect(simpleEventsFor([])).toBeNull();
  });

  it("splits patterns on lines and commas", () => {
    expect(parsePatterns(" attacker.>\n\ncredential.captured, system.> ")).toEqual(["attacker.>", "credential.captured", "system.>"]);
  });

  it("flags plain http", () => {
    expect(isInsecureUrl("HTTP://siem.local/x")).toBe(true);
    expect(isInsecureUrl("https://siem.example.com")).toBe(false);
  });
});

describe("minuteSeries", () => {
  it("zero-fills the last hour minute by minute", () => {
    const now = Date.UTC(2026, 11, 4, 12, 30, 20);
    const series = minuteSeries(
      [
        { bucket: "2026-12-04T12:30:00.000000Z", count: 7 },
        { bucket: "2026-12-04T11:31:00.000000Z", count: 2 },
        { bucket: "2026-12-04T11:00:00.000000Z", count: 99 },
      ],
      now,
    );
    expect(series.values).toHaveLength(60);
    expect(series.values[59]).toBe(7);
    expect(series.values[0]).toBe(2);
    expect(series.values.reduce((a, b) => a + b, 0)).toBe(9);
  });
});

describe("ATT&CK matrix heat", () => {
  it("grows with the count on a log scale and tops out at the busiest technique", () => {
    expect(heat(0, 10)).toBe(0);
    expect(heat(10, 10)).toBe(1);
    const one = heat(1, 1000);
    const ten = heat(10, 1000);
    expect(one).toBeGreaterThan(0);
    expect(ten).toBeGreaterThan(one);
    // A log scale: one tag among a thousand still shows, ten times more is far from ten times darker.
    expect(one).toBeCloseTo(Math.log(2) / Math.log(1001), 6);
    expect(ten / one).toBeLessThan(4);
  });
  it("is zero when nothing was seen", () => {
    expect(heat(3, 0)).toBe(0);
  });
});
