// How compiled per-device ACL lines are laid out in one acl_file. Mosquitto 2.0.11 finds a line's user by walking
// its list of users (src/security_default.c add__acl), so loading N user blocks costs O(N^2): measured, 10,000
// blocks made every reload take over 3 s. The grants most devices share are therefore written once as `pattern`
// lines (${clientId} -> %c, ${username} -> %u); only devices that differ keep a block of their own. Exactness: the
// broker tries a client's user lines first (denies, then grants) and patterns only when none matched, so
//   - a device holding every shared grant keeps just its denies and its other grants;
//   - a device lacking some shared grant gets a deny for it, which is exact only when that deny overlaps none of
//     its own grants; when any device would need such an overlapping deny, no patterns are used at all.
// Pure.
import { widenTemplates } from "./templates";
import { filtersOverlap } from "./topics";

export type TCompiledSet = { key: string; lines: readonly string[]; devices: number };
export type TAclLayout = { patterns: string[]; blocks: Map<string, string[]> };

export const topicOf = (line: string) => line.slice(line.indexOf(" ", "topic ".length) + 1);
const isDeny = (line: string) => line.startsWith("topic deny ");

/** How many of the largest compiled sets are tried as the shared one. */
const CANDIDATES = 5;

/**
 * Each compiled set's block (templated lines) once the shared grants are patterns, and the shared grants as
 * patterns: those of the largest set that every other set can do without exactly.
 */
export function layoutAcl(sets: readonly TCompiledSet[]): TAclLayout {
  for (const common of [...sets].sort((a, b) => b.devices - a.devices).slice(0, CANDIDATES)) {
    const shared = common.lines.filter((l) => !isDeny(l));
    const layout = withShared(sets, shared);
    if (layout) return layout;
  }
  return { patterns: [], blocks: new Map(sets.map((s) => [s.key, [...s.lines]])) };
}

function withShared(sets: readonly TCompiledSet[], shared: readonly string[]): TAclLayout | null {
  // %c and %u mean something in a pattern and nothing in a user line: a literal % keeps everything in blocks.
  if (shared.length === 0 || shared.some((l) => l.includes("%"))) return null;
  const blocks = new Map<string, string[]>();
  for (const s of sets) {
    const own = new Set(s.lines);
    const grants = s.lines.filter((l) => !isDeny(l));
    const missing = shared.filter((l) => !own.has(l));
    const overlapping = missing.some((m) => grants.some((g) => filtersOverlap(widenTemplates(topicOf(m)), widenTemplates(topicOf(g)))));
    if (overlapping) return null;
    blocks.set(s.key, [...s.lines.filter(isDeny), ...missing.map((m) => `topic deny ${topicOf(m)}`), ...grants.filter((g) => !shared.includes(g))]);
  }
  return { patterns: shared.map((l) => `pattern ${l.slice("topic ".length)}`.replaceAll("${clientId}", "%c").replaceAll("${username}", "%u")), blocks };
}
