// Starts a real `decnet serve` for the browser tests: its own data directory, free loopback
// ports, the fixture replayed into the database first, a first admin with a known password.
import { spawn, execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what, check, timeoutMs = 15_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

export class DecnetServer {
  constructor({ decnet, webDir, adminPassword, env = {} }) {
    this.decnet = decnet;
    this.webDir = webDir;
    this.adminPassword = adminPassword;
    this.extraEnv = env;
    this.dir = mkdtempSync(path.join(os.tmpdir(), "decnet-e2e-"));
    this.output = "";
  }

  async init() {
    this.apiPort = await freePort();
    this.syslogPort = await freePort();
    this.base = `http://127.0.0.1:${this.apiPort}`;
    return this;
  }

  async replay(lines) {
    const file = path.join(this.dir, "fixture.log");
    writeFileSync(file, lines.join("\n") + "\n");
    await promisify(execFile)(this.decnet, ["replay", file], { env: this.env() });
  }

  env() {
    return {
      ...process.env,
      DECNET_DATA_DIR: path.join(this.dir, "var"),
      DECNET_ADMIN_PASSWORD: this.adminPassword,
      DECNET_API_PORT: String(this.apiPort),
      DECNET_SYSLOG_TCP_PORT: String(this.syslogPort),
      DECNET_SYSLOG_UDP_ENABLED: "false",
      DECNET_WEB_DIR: this.webDir,
      DECNET_INTEL_ENABLED: "false",
      DECNET_PTR_ENABLED: "false",
      DECNET_RPKI_ENABLED: "false",
      DECNET_LOG_LEVEL: "warn",
      ...this.extraEnv,
    };
  }

  async start() {
    this.child = spawn(this.decnet, ["serve"], { env: this.env(), stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout.on("data", keep);
    this.child.stderr.on("data", keep);
    this.exited = new Promise((resolve) => this.child.on("exit", resolve));
    await waitFor("decnet serve to answer /api/v1/health", async () => {
      if (this.child.exitCode !== null) throw new Error(`decnet serve exited:\n${this.output}`);
      const r = await fetch(`${this.base}/api/v1/health`);
      return r.status === 200 || r.status === 503;
    }, 30_000);
  }

  // One syslog line over TCP, newline-framed, the way rsyslog forwards it.
  async sendSyslog(line) {
    await new Promise((resolve, reject) => {
      const socket = net.connect(this.syslogPort, "127.0.0.1", () => socket.end(line + "\n"));
      socket.on("close", resolve);
      socket.on("error", reject);
    });
  }

  async stop() {
    if (this.child && this.child.exitCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A webhook receiver on loopback: records each request; `status` decides the answer.
export class Receiver {
  constructor() {
    this.requests = [];
    this.status = 200;
  }

  async start() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(this.status, { "Content-Type": "text/plain" });
        res.end(this.status === 200 ? "ok" : "failing on purpose");
      });
    });
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}/hook`;
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}
