// The webhook form's two modes. Simple mode picks named event groups that the server expands to
// bus patterns; advanced mode edits the patterns themselves. An existing subscription opens in
// simple mode only when its patterns are exactly some set of groups.

export const SIMPLE_EVENTS: { name: string; label: string; patterns: string[] }[] = [
  { name: "AttackerDetail", label: "Attacker activity (attacker.>)", patterns: ["attacker.>"] },
  { name: "DeckyStatus", label: "Decky state and traffic", patterns: ["decky.*.state", "decky.*.traffic"] },
  { name: "SystemStatus", label: "System status (system.>)", patterns: ["system.>"] },
];

export function simpleEventsFor(patterns: string[]): string[] | null {
  const remaining = new Set(patterns);
  const picked: string[] = [];
  for (const group of SIMPLE_EVENTS) {
    if (group.patterns.every((p) => remaining.has(p))) {
      picked.push(group.name);
      group.patterns.forEach((p) => remaining.delete(p));
    }
  }
  return remaining.size === 0 && picked.length > 0 ? picked : null;
}

export function parsePatterns(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

export function isInsecureUrl(url: string): boolean {
  return /^http:\/\//i.test(url.trim());
}
