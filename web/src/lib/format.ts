// Times arrive as RFC 3339 UTC (or epoch seconds from /workers); operators read them in their
// browser's zone and can hover for the exact UTC value.

const number = new Intl.NumberFormat();

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : number.format(value);
}

export function parseTime(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatLocal(date: Date): string {
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function formatUtc(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function formatRelative(date: Date, now: number = Date.now()): string {
  const seconds = Math.round((now - date.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const suffix = seconds >= 0 ? "ago" : "from now";
  if (abs < 5) return "just now";
  if (abs < 60) return `${abs}s ${suffix}`;
  if (abs < 3600) return `${Math.floor(abs / 60)}m ${suffix}`;
  if (abs < 86400) return `${Math.floor(abs / 3600)}h ${suffix}`;
  return `${Math.floor(abs / 86400)}d ${suffix}`;
}

// ISO 3166 alpha-2 to a flag emoji; empty for anything else.
export function flag(code: string | null | undefined): string {
  if (!code || !/^[A-Za-z]{2}$/.test(code)) return "";
  const base = 0x1f1e6 - 65;
  const upper = code.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0), base + upper.charCodeAt(1));
}

export function shortHash(hex: string, length = 12): string {
  return hex.length > length ? `${hex.slice(0, length)}…` : hex;
}

// Identities and campaigns are uuid7s: their first digits are the time they were minted, shared
// by every row made in the same moment, so rows are told apart by their last digits.
export function shortId(uuid: string): string {
  return `…${uuid.slice(-8)}`;
}

export function addresses(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "address" : "addresses"}`;
}
