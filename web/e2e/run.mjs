// End-to-end: Debian's Chromium, driven by playwright-core, against a real `decnet serve` fed by
// replaying a fixture stream. It signs in with the first admin's password, is made to change it,
// finds an attacker, opens its detail and the reuse drawer, watches a new event arrive in the live
// feed without reloading, follows an actor across its addresses to its campaign graph, manages
// users and webhooks (signed test delivery, a tripped breaker with its red chip and header count,
// a dead letter redelivered), deploys a decky into a network namespace and changes it live, and writes a screenshot of each page under --out. Every wait has a deadline; nothing sleeps for a fixed time.
//
//   node e2e/run.mjs --decnet <path to decnet> --web <built dashboard> --out <screenshot dir>
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { chromium } from "playwright-core";
import { authLine, droppedFileLine, fixtureLines, ja3Line, recordedSessionLines, sessionLines } from "./fixture.mjs";
import { DecnetServer, Receiver, waitFor } from "./harness.mjs";

const { values: args } = parseArgs({
  options: {
    decnet: { type: "string" },
    web: { type: "string" },
    out: { type: "string", default: "build/screenshots" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
if (!args.decnet || !args.web) {
  console.error("usage: run.mjs --decnet PATH --web DIR [--out DIR] [--chromium PATH]");
  process.exit(2);
}

const INITIAL = "Initial-Passw0rd!";
// The fleet the Deckies step deploys: a bridge and subnet of its own, removed at the end.
const FLEET_TAG = String(process.pid % 200 + 20);
const FLEET_NET = `10.237.${FLEET_TAG}`;
const FLEET_BRIDGE = `dne2e${FLEET_TAG}`;
const DECKY = `web-e2e-${FLEET_TAG}`;
const CHANGED = "Changed-Passw0rd#2";
const TIMEOUT = 15_000;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

async function main() {
  mkdirSync(args.out, { recursive: true });
  const server = await new DecnetServer({
    decnet: args.decnet,
    webDir: args.web,
    adminPassword: INITIAL,
    env: { DECNET_WEBHOOK_ALLOW_PRIVATE: "true", DECNET_WEBHOOK_CIRCUIT_THRESHOLD: "1", DECNET_FLEET_BRIDGE: FLEET_BRIDGE },
  }).init();
  const good = new Receiver();
  const failing = new Receiver();
  failing.status = 500;
  let browser;
  const steps = [];
  const step = async (name, fn) => {
    const started = Date.now();
    process.stdout.write(`e2e: ${name} … `);
    await fn();
    steps.push(name);
    console.log(`ok (${Date.now() - started} ms)`);
  };

  try {
    await server.replay(fixtureLines({ count: 300 }));
    await server.start();
    await good.start();
    await failing.start();
    browser = await chromium.launch({
      executablePath: args.chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const foreign = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(server.base) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("dialog", (d) => void d.dismiss().then(() => pageErrors.push(`unexpected browser dialog: ${d.message()}`)));
    const shot = (name) => page.screenshot({ path: path.join(args.out, `${name}.png`), fullPage: true });

    await step("sign in as the first admin and change the password", async () => {
      await page.goto(server.base + "/");
      await shot("01-login");
      await page.getByLabel("Username").fill("admin");
      await page.getByLabel("Password").fill(INITIAL);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByLabel("New password", { exact: true }).fill(CHANGED);
      await page.getByLabel("Confirm new password").fill(CHANGED);
      await shot("02-change-password");
      await page.getByRole("button", { name: "Set password" }).click();
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      const login = await fetch(`${server.base}/api/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "admin", password: INITIAL }) });
      check(login.status === 401, `the initial password still works (${login.status})`);
    });

    await step("overview shows the replayed counters", async () => {
      await waitFor("the events counter to read 300", async () => (await page.getByRole("group", { name: "Events" }).textContent()).includes("300"), TIMEOUT);
      await page.locator("ol[aria-label='Top services (24 h)'] li").first().waitFor();
      await shot("03-overview");
    });

    let attackerIp = "";
    await step("find an attacker and open its detail", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Attackers" }).click();
      await page.getByRole("heading", { name: "Attackers" }).waitFor();
      await page.locator("tbody tr").first().waitFor();
      await shot("04-attackers");
      attackerIp = (await page.locator("tbody tr td:first-child a").first().textContent()).trim();
      await page.getByLabel("Address").fill(attackerIp);
      await page.getByRole("button", { name: "Search" }).click();
      await waitFor("the search to narrow the table to one row", async () => (await page.locator("tbody tr").count()) === 1);
      check(new URL(page.url()).searchParams.get("search") === attackerIp, "the search is kept in the URL");
      await page.getByRole("link", { name: attackerIp, exact: true }).click();
      await page.getByRole("heading", { name: attackerIp }).waitFor();
      await page.getByRole("region", { name: "Threat intel" }).waitFor();
      await page.getByRole("table", { name: "Credentials tried" }).locator("tbody tr").first().waitFor();
      await page.getByRole("table", { name: "Events, newest first" }).locator("tbody tr").first().waitFor();
      await shot("05-attacker-detail");
    });

    // Opens the page of the attacker at `ip` once its events are committed and it is listed.
    const openAttacker = async (ip) => {
      await page.goto(`${server.base}/attackers?search=${ip}`);
      await waitFor(`${ip} to be listed`, async () => {
        await page.reload();
        await page.locator("main h1").waitFor();
        return (await page.getByRole("link", { name: ip, exact: true }).count()) === 1;
      }, TIMEOUT, 500);
      await page.getByRole("link", { name: ip, exact: true }).click();
      await page.getByRole("heading", { name: ip }).waitFor();
    };

    await step("an attacker with a session shows its behaviour and sessions", async () => {
      const ip = "198.51.100.30";
      for (const line of sessionLines({ ip, sid: "e2e-s1" })) await server.sendSyslog(line);
      await openAttacker(ip);
      await waitFor("the behaviour profile and the session row", async () => {
        await page.reload();
        await page.getByRole("heading", { name: ip }).waitFor();
        const profiled = (await page.getByTestId("behaviour-score").count()) === 1;
        const sessions = await page.getByRole("table", { name: "Sessions" }).locator("tbody tr").count();
        return profiled && sessions >= 1;
      }, TIMEOUT, 500);
      const behaviour = page.getByRole("region", { name: "Behaviour" });
      check((await behaviour.getByRole("list", { name: "Reasons for the class and score" }).locator("li").count()) >= 1, "the behaviour section lists no reason");
      const sessions = page.getByRole("table", { name: "Sessions" });
      const row = sessions.locator("tbody tr").filter({ hasText: "decky-03" }).first();
      check((await row.textContent()).includes("ssh"), "the session row names its service");
      await row.getByRole("button", { name: /^Show the \d+ commands/ }).click();
      await page.getByRole("list", { name: "Commands of the ssh session on decky-03" }).getByText("uname -a").waitFor();
      await page.getByRole("region", { name: "Similar attackers" }).waitFor();
      // Its commands were tagged with ATT&CK techniques: uname (T1082), id (T1033), /etc/passwd
      // (T1083), the download (T1105).
      const techniques = page.getByRole("list", { name: "ATT&CK techniques" });
      await waitFor("the session's ATT&CK techniques", async () => {
        await page.reload();
        await page.getByRole("heading", { name: ip }).waitFor();
        return (await techniques.locator("li").count()) >= 4;
      }, TIMEOUT, 500);
      for (const id of ["T1082", "T1033", "T1083", "T1105"]) {
        check((await techniques.getByRole("button", { name: new RegExp(`^${id}\\b`) }).count()) === 1, `technique ${id} is not listed`);
      }
      await shot("05b-attacker-behaviour");
    });

    await step("ATT&CK: inspect a technique's evidence, export the attacker, the matrix and the rules", async () => {
      // The inspector: the tag of the download, with the rule that fired and the command it saw.
      await page.getByRole("list", { name: "ATT&CK techniques" }).getByRole("button", { name: /^T1105\b/ }).click();
      const inspector = page.getByRole("dialog", { name: /^T1105/ });
      await inspector.getByText("R0012").first().waitFor();
      await inspector.getByText("command_text").first().waitFor();
      check(((await inspector.textContent()) ?? "").includes("wget"), "the inspector shows the command as evidence");
      await shot("05d-technique-inspector");
      await page.keyboard.press("Escape");
      await inspector.waitFor({ state: "detached" });

      // The attacker as a STIX 2.1 bundle: a download with the technique as an attack pattern.
      const [download] = await Promise.all([
        page.waitForEvent("download", { timeout: TIMEOUT }),
        page.getByRole("button", { name: "Export STIX 2.1" }).click(),
      ]);
      check(/^decnet-attacker-[0-9a-f]{8}\.stix\.json$/.test(download.suggestedFilename()), `export named ${download.suggestedFilename()}`);
      const bundle = JSON.parse(readFileSync(await download.path(), "utf8"));
      check(bundle.type === "bundle", "the export is a STIX bundle");
      check(
        bundle.objects.some((o) => o.type === "attack-pattern" && o.external_references.some((r) => r.external_id === "T1105")),
        "the bundle names T1105 as an attack pattern",
      );

      // The fleet's matrix: the tactic columns, a cell opening the fleet's tags.
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "ATT&CK" }).click();
      const matrix = page.getByRole("region", { name: "ATT&CK matrix" });
      await matrix.getByRole("group", { name: "Command and Control" }).waitFor();
      await matrix.getByRole("button", { name: /^T1105\b/ }).click();
      const fleetTags = page.getByRole("dialog", { name: /^T1105/ });
      await fleetTags.getByRole("list", { name: "Tags" }).locator("li").first().waitFor();
      await page.keyboard.press("Escape");
      await fleetTags.waitFor({ state: "detached" });
      await shot("05e-attack-matrix");

      // The rules: an admin disables one and enables it again.
      await page.getByRole("link", { name: "Rules" }).click();
      const rule = page.locator('tr[data-rule="R0012"]');
      await rule.getByText("enabled").waitFor();
      await rule.getByRole("button", { name: "Disable R0012" }).click();
      await rule.getByText("disabled", { exact: true }).waitFor();
      await shot("05f-attack-rules");
      await rule.getByRole("button", { name: "Enable R0012" }).click();
      await rule.getByText("enabled", { exact: true }).waitFor();
    });

    await step("a recorded session replays in the terminal", async () => {
      const ip = "198.51.100.31";
      for (const line of recordedSessionLines({ ip })) await server.sendSyslog(line);
      await openAttacker(ip);
      const replay = page.getByRole("button", { name: "Replay the ssh session on omega-decky" });
      await waitFor("the session with its recording", async () => {
        await page.reload();
        await page.getByRole("heading", { name: ip }).waitFor();
        return (await replay.count()) === 1;
      }, TIMEOUT, 500);
      await replay.click();
      const terminal = page.getByRole("region", { name: "Replay of the ssh session on omega-decky" });
      // xterm.js renders only while the terminal is on screen; the replay scrolls itself there.
      await waitFor("the replay to print the command's output", async () =>
        ((await terminal.locator(".xterm-rows").textContent()) ?? "").includes("6.1.0-18-amd64"), TIMEOUT, 200);
      await shot("05c-session-replay");
    });

    await step("open the reuse drawer, keep focus in it, close it with Escape", async () => {
      await page.goto(server.base + "/credentials");
      const inspect = page.getByRole("button", { name: /^Inspect reuse of / }).first();
      await inspect.click();
      const drawer = page.getByRole("dialog", { name: "Credential reuse" });
      await drawer.getByText("SHA-256").waitFor();
      await drawer.getByRole("list", { name: "Attackers that used this secret" }).locator("li").first().waitFor();
      for (let i = 0; i < 12; i++) await page.keyboard.press("Tab");
      check(await drawer.evaluate((node) => node.contains(document.activeElement)), "focus left the drawer");
      await shot("06-reuse-drawer");
      await page.keyboard.press("Escape");
      await drawer.waitFor({ state: "detached" });
      await shot("07-credentials");
    });

    await step("see a new event arrive in the live feed without reloading", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Live feed" }).click();
      await page.getByText("live", { exact: true }).waitFor();
      const navigations = [];
      page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
      await server.sendSyslog(authLine({ decky: "decky-09", service: "ssh", ip: "198.51.100.250", user: "root", password: "e2e-live-secret" }));
      await page.getByTestId("feed-rows").getByText("198.51.100.250").first().waitFor();
      check(navigations.length === 0, `the page navigated: ${navigations.join(", ")}`);
      await page.getByRole("button", { name: "Pause" }).click();
      await server.sendSyslog(authLine({ decky: "decky-09", service: "ftp", ip: "198.51.100.251", user: "root", password: "e2e-paused" }));
      await page.getByRole("button", { name: /Resume \([1-9]\d* new\)/ }).waitFor();
      check((await page.getByTestId("feed-rows").getByText("198.51.100.251").count()) === 0, "a paused feed showed a new row");
      await page.getByRole("button", { name: /Resume/ }).click();
      await page.getByTestId("feed-rows").getByText("198.51.100.251").first().waitFor();
      await shot("08-live-feed");
    });

    await step("identities: one actor's addresses, and a campaign shared with another", async () => {
      // Actor A rotates through three addresses with one client; actor B, with another client,
      // drops the same loader: two identities, one campaign.
      const loader = "c0ffee".padEnd(64, "0");
      for (const ip of ["198.51.100.171", "198.51.100.172", "198.51.100.173"]) {
        await server.sendSyslog(ja3Line({ ip, ja3: "a".repeat(32) }));
      }
      await server.sendSyslog(droppedFileLine({ ip: "198.51.100.171", sha256: loader }));
      await server.sendSyslog(ja3Line({ ip: "198.51.100.181", ja3: "b".repeat(32) }));
      await server.sendSyslog(droppedFileLine({ ip: "198.51.100.181", sha256: loader }));
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
      await page.getByRole("heading", { name: "Identities" }).waitFor();
      const actorRow = page.getByRole("table", { name: "Identities with two or more addresses" }).locator("tbody tr").filter({ has: page.getByRole("cell", { name: "3", exact: true }) });
      await waitFor("the three-address identity to be listed with its campaign", async () => {
        await page.reload();
        await page.locator("main h1").waitFor();
        return (await actorRow.count()) === 1 && (await actorRow.locator("td").nth(5).getByRole("link").count()) === 1;
      }, 30_000, 500);
      await shot("09-identities");
      await actorRow.locator("td").first().getByRole("link").click();
      await page.getByRole("heading", { name: /^Identity / }).waitFor();
      const timeline = page.getByRole("list", { name: "Addresses over time" });
      for (const ip of ["198.51.100.171", "198.51.100.172", "198.51.100.173"]) await timeline.getByRole("link", { name: new RegExp(ip.replaceAll(".", "\\.")) }).waitFor();
      await page.getByRole("heading", { name: "Client JA3" }).waitFor();
      await shot("10-identity");
      await page.getByRole("link", { name: /^Campaign / }).first().click();
      await page.getByRole("heading", { name: /^Campaign / }).waitFor();
      await page.locator(".campaign-graph canvas").first().waitFor();
      await page.getByRole("table", { name: "Pairs of identities scored with the campaign edge" }).getByRole("button").first().click();
      await page.getByText("joined them").waitFor();
      check((await page.getByText("Shared payloads / C2").count()) > 0, "the evidence names shared infrastructure");
      await shot("11-campaign");
    });

    await step("workers page lists the running components", async () => {
      await page.goto(server.base + "/workers");
      const row = page.getByRole("row").filter({ hasText: "ingest" });
      await row.getByText("ok", { exact: true }).waitFor();
      await shot("09-workers");
    });

    await step("users: create an account and reset its password", async () => {
      await page.goto(server.base + "/users");
      await page.getByLabel("Username").fill("analyst");
      await page.getByLabel("Initial password").fill("Analyst-Passw0rd!");
      await page.getByRole("button", { name: "Create" }).click();
      await page.getByRole("row").filter({ hasText: "analyst" }).waitFor();
      await page.getByRole("button", { name: "Reset password of analyst" }).click();
      const confirm = page.getByRole("alertdialog", { name: "Reset analyst's password?" });
      await shot("10-users-confirm");
      await confirm.getByRole("button", { name: "Reset password" }).click();
      const secret = (await page.getByTestId("revealed-secret").textContent()).trim();
      check(secret.length >= 12, "a generated password is shown");
      await shot("10-users");
      await page.getByRole("button", { name: "I have stored it" }).click();
      const login = await fetch(`${server.base}/api/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "analyst", password: secret }) });
      check(login.status === 200, `the revealed password does not sign in (${login.status})`);
    });

    await step("webhooks: create one, see its secret once, send a signed test", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
      await page.getByRole("button", { name: "New webhook" }).click();
      const form = page.getByRole("dialog", { name: "New webhook" });
      await form.getByLabel("Name").fill("siem");
      await form.getByLabel("URL").fill(good.url);
      await form.getByRole("note").waitFor(); // the plain-http warning
      await form.getByRole("button", { name: "Create" }).click();
      const secret = (await page.getByTestId("revealed-secret").textContent()).trim();
      check(secret.length >= 16, "the generated secret is shown");
      await shot("11-webhook-secret");
      await page.getByRole("button", { name: "I have stored it" }).click();
      check((await page.getByText(secret).count()) === 0, "the secret is still on the page");
      await page.getByRole("button", { name: "Test siem" }).click();
      await page.getByText("siem: receiver answered 200.").waitFor();
      const ping = await waitFor("the receiver to get the test event", () => good.requests.find((r) => r.body.includes('"test.ping"') || r.body.includes('"topic":"test')));
      const { createHmac } = await import("node:crypto");
      const expected = "sha256=" + createHmac("sha256", secret).update(ping.body).digest("hex");
      check(ping.headers["x-decnet-signature"] === expected, "the test delivery's signature does not match the secret shown");
    });

    await step("webhooks: a failing receiver trips the breaker; the dead letter is redelivered", async () => {
      await page.getByRole("button", { name: "New webhook" }).click();
      const form = page.getByRole("dialog", { name: "New webhook" });
      await form.getByLabel("Name").fill("flaky");
      await form.getByLabel("URL").fill(failing.url);
      await form.getByLabel("Advanced (bus patterns)").check();
      await form.getByLabel("Patterns, one per line").fill("credential.captured");
      await form.getByRole("button", { name: "Create" }).click();
      await page.getByRole("button", { name: "I have stored it" }).click();
      await server.sendSyslog(authLine({ decky: "decky-07", service: "pop3", ip: "198.51.100.252", user: "mail", password: "e2e-trip" }));
      await waitFor(
        "the breaker to trip (retries 1 + 2 + 4 s)",
        async () => {
          await page.reload();
          const row = page.getByRole("row").filter({ hasText: "flaky" });
          await row.waitFor();
          return (await row.getByText(/TRIPPED/).count()) === 1;
        },
        40_000,
        1000,
      );
      check((await page.getByTestId("tripped-count").textContent()).trim() === "1", "the header counts one tripped subscription");
      await shot("12-webhooks-tripped");
      failing.status = 200;
      await page.getByRole("button", { name: "Deliveries of flaky" }).click();
      const drawer = page.getByRole("dialog", { name: "Webhook flaky" });
      await drawer.getByRole("button", { name: /^Redeliver event / }).first().click();
      await drawer.getByText(/delivered \(200\)/).waitFor();
      await shot("13-webhook-deliveries");
      await page.keyboard.press("Escape");
      await page.getByRole("button", { name: "Reset and enable flaky" }).click();
      await page.getByRole("row").filter({ hasText: "flaky" }).getByText("active", { exact: true }).waitFor();
    });

    await step("deckies: deploy one from an INI, add a service, apply settings, tarpit a port, tear it down", async () => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Deckies" }).click();
      await page.getByRole("heading", { name: "Deckies" }).waitFor();
      await page.getByRole("button", { name: "Deploy" }).click();
      const dialog = page.getByRole("dialog", { name: "Deploy deckies" });
      await dialog.getByLabel("Deploy INI").fill(`[general]\nnet = ${FLEET_NET}.0/24\ngw = ${FLEET_NET}.1\n[${DECKY}]\nservices = http\nip = ${FLEET_NET}.20\n`);
      await dialog.getByRole("button", { name: "Show plan" }).click();
      await dialog.getByRole("table", { name: "Plan" }).getByText(`${FLEET_NET}.20`).waitFor();
      await shot("14-deploy-plan");
      await dialog.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.getByText("Deployed 1 of 1 deckies.").waitFor({ timeout: 60_000 });
      const row = page.getByRole("row").filter({ hasText: DECKY });
      await row.getByText("running").waitFor();
      const before = await fetch(`http://${FLEET_NET}.20/`);
      check(before.status === 200, `the decky's http answers from the host (${before.status})`);
      await shot("15-deckies");
      await row.getByRole("link", { name: DECKY }).click();
      await page.getByRole("heading", { name: DECKY }).waitFor();
      await page.getByLabel("Service to add").selectOption("ftp");
      await page.getByRole("button", { name: "Add service" }).click();
      await page.getByText("ftp added.").waitFor({ timeout: 30_000 });
      await page.getByRole("table", { name: "Services" }).getByRole("row").filter({ hasText: "ftp" }).waitFor();
      await page.getByRole("button", { name: "Configure http" }).click();
      const form = page.getByRole("dialog", { name: `http on ${DECKY}` });
      await form.getByLabel("Server header").fill("nginx/1.18.0");
      await shot("16-service-config");
      await form.getByRole("button", { name: "Save and apply" }).click();
      await page.getByText("http restarted with its new settings.").waitFor({ timeout: 30_000 });
      const after = await fetch(`http://${FLEET_NET}.20/`);
      check(after.headers.get("server") === "nginx/1.18.0", `the applied server header (${after.headers.get("server")})`);
      await page.getByLabel("Ports").fill("21");
      await page.getByLabel("Delay per answer (ms)").fill("1000");
      await page.getByRole("button", { name: "Set tarpit" }).click();
      await page.getByText("Ports 21 answer after 1000 ms", { exact: false }).waitFor({ timeout: 30_000 });
      await shot("17-decky");
      await page.getByRole("button", { name: "Tear down" }).click();
      await page.getByRole("alertdialog", { name: `Tear ${DECKY} down?` }).getByRole("button", { name: "Tear down" }).click();
      await page.getByRole("heading", { name: "Deckies" }).waitFor();
      await page.getByText("No decky deployed on this host").waitFor({ timeout: 30_000 });
    });

    await step("every control has an accessible name; no request left the origin", async () => {
      for (const route of ["/", "/attackers", "/credentials", "/webhooks", "/users", "/deckies"]) {
        await page.goto(server.base + route);
        await page.locator("main h1").waitFor();
        const unnamed = await page.evaluate(() =>
          Array.from(document.querySelectorAll("input, select, textarea, button, a[href]"))
            .filter((el) => {
              const labelled = el.labels && el.labels.length > 0;
              const named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || (el.textContent || "").trim();
              return !labelled && !named;
            })
            .map((el) => el.outerHTML.slice(0, 80)),
        );
        check(unnamed.length === 0, `${route}: unlabelled controls ${unnamed.join(" | ")}`);
      }
      check(foreign.length === 0, `requests outside the origin: ${foreign.join(", ")}`);
      check(pageErrors.length === 0, `errors in the page: ${pageErrors.join(" | ")}`);
    });

    console.log(`e2e: ${steps.length} steps passed; screenshots in ${args.out}`);
  } catch (error) {
    console.error(`\ne2e: FAILED: ${error.stack ?? error}`);
    console.error(`--- decnet serve output (tail) ---\n${server.output.slice(-4000)}`);
    process.exitCode = 1;
  } finally {
    await browser?.close();
    // Whatever the Deckies step left on the host, whether it passed or not.
    await promisify(execFile)(args.decnet, ["teardown", "--all"], { env: server.env() }).catch(() => {});
    await good.stop();
    await failing.stop();
    await server.stop();
  }
}

await main();
