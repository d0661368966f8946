// `make bench`: the dashboard's budget figures.
//  - web_first_load_js_gzip: gzipped JavaScript the first page load fetches (index.html's entry
//    script and the modules it preloads), against the React runtime alone as the floor.
//  - web_attackers_page_1m: time from navigation to the first rows of the attackers page with
//    1,000,000 attackers in the database, against the bare API call that feeds it.
//
//   node web/bench/attackers-page.mjs --decnet <decnet> --web <built dashboard>
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { DecnetServer } from "../e2e/harness.mjs";

const { values: args } = parseArgs({
  options: {
    decnet: { type: "string" },
    web: { type: "string" },
    attackers: { type: "string", default: "1000000" },
    runs: { type: "string", default: "7" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const ATTACKERS = Number(args.attackers);
const RUNS = Number(args.runs);
const PASSWORD = "Bench-Passw0rd!x";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bench = (name, value, unit) => console.log(`BENCH ${name} ${value} ${unit}`);
const gz = (file) => gzipSync(readFileSync(file)).length;

function firstLoadBytes(webDir) {
  const html = readFileSync(path.join(webDir, "index.html"), "utf8");
  const files = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return files.reduce((sum, f) => sum + gz(path.join(webDir, f)), 0);
}

function reactRuntimeBytes() {
  const modules = new URL("../node_modules/", import.meta.url).pathname;
  const files = ["react/cjs/react.production.js", "react-dom/cjs/react-dom-client.production.js", "scheduler/cjs/scheduler.production.js"];
  return files.reduce((sum, f) => sum + gz(path.join(modules, f)), 0);
}

// Attackers written straight into the migrated schema: the bench measures reading a big table,
// and a million ingested lines would take longer than the rest of the run.
function seedAttackers(server) {
  execFileSync(args.decnet, ["db", "migrate"], { env: server.env(), stdio: "ignore" });
  const db = path.join(server.dir, "var", "decnet.db");
  const sql = `
    PRAGMA journal_mode=WAL;
    BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ATTACKERS - 1})
    INSERT INTO attackers (uuid, ip, first_seen, last_seen, event_count, service_count, decky_count,
                           services, deckies, credential_count, country_code, country_source, asn,
                           as_name, asn_source, updated_at, enriched_at, observed_published)
    SELECT printf('%08x-0000-4000-8000-%012x', i, i),
           printf('%d.%d.%d.%d', 1 + (i >> 24) % 223, (i >> 16) & 255, (i >> 8) & 255, i & 255),
           1790000000000000 + i * 1000000, 1790000000000000 + i * 1000000 + 5000000,
           1 + i % 50, 1 + i % 4, 1 + i % 6, '["ssh","ftp"]', '["decky-01","decky-02"]', i % 7,
           substr('CNUSRUDEBRINNLVNKRFR', 1 + (i % 10) * 2, 2), 'rir', 64500 + i % 400,
           'AS-BENCH', 'iptoasn', 1790000000000000 + i * 1000000, 1790000000000000, 1
    FROM n;
    COMMIT;`;
  execFileSync("sqlite3", [db], { input: sql, stdio: ["pipe", "ignore", "inherit"] });
}

async function api(server, method, route, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(server.base + "/api/v1" + route, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function main() {
  bench("web_first_load_js_gzip", (firstLoadBytes(args.web) / 1024).toFixed(1), "KiB");
  bench("web_react_runtime_gzip_reference", (reactRuntimeBytes() / 1024).toFixed(1), "KiB");

  const server = await new DecnetServer({ decnet: args.decnet, webDir: args.web, adminPassword: "Initial-Passw0rd!" }).init();
  let browser;
  try {
    seedAttackers(server);
    await server.start();
    const first = await api(server, "POST", "/auth/login", { username: "admin", password: "Initial-Passw0rd!" });
    await api(server, "POST", "/auth/change-password", { old_password: "Initial-Passw0rd!", new_password: PASSWORD }, first.access_token);
    const session = await api(server, "POST", "/auth/login", { username: "admin", password: PASSWORD });
    const total = (await api(server, "GET", "/attackers?limit=1", null, session.access_token)).total;
    if (total !== ATTACKERS) throw new Error(`expected ${ATTACKERS} attackers, the API counts ${total}`);

    // The reference: the same request the page makes, from Node, with no browser around it.
    const apiTimes = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await api(server, "GET", `/attackers?sort=active&limit=50&offset=${i * 50}`, null, session.access_token);
      apiTimes.push(performance.now() - started);
    }

    browser = await chromium.launch({
      executablePath: args.chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript((s) => window.localStorage.setItem("decnet.session", JSON.stringify(s)), { token: session.access_token, expiresAt: session.expires_at });
    const page = await context.newPage();
    const pageTimes = [];
    for (let i = 0; i < RUNS; i++) {
      // A different page of a different sort each time, so no answer comes from a cache.
      const started = Date.now();
      await page.goto(`${server.base}/attackers?sort=${i % 2 ? "first_seen" : "active"}&offset=${(i + RUNS) * 50}`);
      await page.locator("tbody tr").nth(49).waitFor({ timeout: 30_000 });
      pageTimes.push(Date.now() - started);
    }
    bench("web_attackers_page_1m_p50", median(pageTimes), "ms");
    bench("web_attackers_page_1m_max", Math.max(...pageTimes), "ms");
    bench("web_attackers_api_1m_p50_reference", median(apiTimes).toFixed(1), "ms");
  } finally {
    await browser?.close();
    await server.stop();
  }
}

await main();
