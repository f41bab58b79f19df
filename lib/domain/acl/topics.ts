// MQTT topic names and filters as the MQTT 3.1.1 and 5 specifications define them (sections 4.7), and the match
// Mosquitto performs. Pure; used by the ACL validator, the simulator and the renderer alike.
import { hasControlCharacter, NO_CONTROL_CHARACTERS } from "../control-characters";

export const MAX_TOPIC_BYTES = 65_535;

const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Why a string is not a valid topic name (what a client publishes to), or null. */
export function topicNameProblem(topic: string): string | null {
  const common = commonProblem(topic);
  if (common) return common;
  if (/[+#]/.test(topic)) return "must not contain the wildcards + or # (a topic name is published to, not subscribed to)";
  return null;
}

/** Why a string is not a valid topic filter (what a client subscribes to), or null. */
export function topicFilterProblem(filter: string): string | null {
  const common = commonProblem(filter);
  if (common) return common;
  const levels = filter.split("/");
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes("#") && (level !== "#" || i !== levels.length - 1)) return "may use # only as the whole last level (e.g. a/b/#)";
    if (level.includes("+") && level !== "+") return "may use + only as a whole level (e.g. a/+/c)";
  }
  return null;
}

function commonProblem(s: string): string | null {
  if (s.length === 0) return "must not be empty";
  // The specifications allow them but advise against them; Mosquitto refuses them, and a line feed would end a line
  // of the broker's acl file.
  if (hasControlCharacter(s)) return NO_CONTROL_CHARACTERS;
  if (utf8Bytes(s) > MAX_TOPIC_BYTES) return `must be at most ${MAX_TOPIC_BYTES} bytes of UTF-8`;
  if (/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))) return "must be well-formed UTF-8 (it has a lone surrogate)";
  return null;
}

/**
 * Whether a topic filter matches a topic name, as Mosquitto's mosquitto_topic_matches_sub does: `+` one level,
 * `#` this level and all below (including the parent: `a/#` matches `a`), and a filter starting with a wildcard
 * never matches a topic starting with `$`.
 */
export function filterMatches(filter: string, topic: string): boolean {
  if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === "#") return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== "+" && level !== t[i]) return false;
  }
  return f.length === t.length;
}

const wildcardStart = (f: string) => f.startsWith("+") || f.startsWith("#");

/** Whether some topic name matches both filters. */
export function filtersOverlap(a: string, b: string): boolean {
  return filterMeet(a, b) !== null;
}

/** The filter matching exactly the topic names both filters match, or null when none does. */
export function filterMeet(a: string, b: string): string | null {
  if ((wildcardStart(a) && b.startsWith("$")) || (wildcardStart(b) && a.startsWith("$"))) return null;
  const x = a.split("/");
  const y = b.split("/");
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const p = x[i];
    const q = y[i];
    if (p === "#") return [...out, ...y.slice(i)].join("/") || "#";
    if (q === "#") return [...out, ...x.slice(i)].join("/") || "#";
    if (p === undefined || q === undefined) return p === q ? out.join("/") : null;
    if (p === "+") out.push(q);
    else if (q === "+" || p === q) out.push(p);
    else return null;
  }
}
