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
