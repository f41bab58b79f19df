// Mosquitto 2.0.11's acl_file, as src/security_default.c parses and applies it: what Fleetward's brokers enforce
// for devices today. Pure: the file's text, a client, an action and a topic in; the decision and the line that
// made it out. A differential test holds it against a real broker.
import { filterMatches, topicFilterProblem } from "./topics";
import type { TAction } from "./dynsec";

type TAccess = 0 | 1 | 2 | 3; // deny, read, write, readwrite
type TAclLine = { line: number; text: string; topic: string; access: TAccess };
export type TAclFile = { users: Map<string, TAclLine[]>; anonymous: TAclLine[] | null; patterns: TAclLine[] };

const ACCESS: Record<string, TAccess> = { read: 1, write: 2, readwrite: 3, deny: 0 };

export type TAclFileDecision = {
  allowed: boolean;
  decidedBy:
    | { kind: "rule"; source: "user" | "anonymous" | "pattern"; line: number; text: string }
    | { kind: "broker"; reason: string }
    | { kind: "none"; reason: string };
};

/** Deny rules first (the broker prepends them), then grants in file order. */
const denyFirst = (rules: TAclLine[]) => [...rules.filter((r) => r.access === 0).reverse(), ...rules.filter((r) => r.access !== 0)];

/** Parses an acl_file; a line the broker would refuse throws, naming the line. */
export function parseAclFile(text: string): TAclFile {
  const users = new Map<string, TAclLine[]>();
  let anonymous: TAclLine[] | null = null;
  const patterns: TAclLine[] = [];
  let current: TAclLine[] | null = null;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\s+$/, "");
    if (line === "" || line.startsWith("#")) return;
    const body = line.replace(/^ +/, "");
    const [keyword, ...rest] = body.split(" ");
    if (keyword === "user") {
      const name = rest.join(" ").trim();
      current = users.get(name) ?? [];
      users.set(name, current);
      return;
    }
    if (keyword !== "topic" && keyword !== "pattern") throw new Error(`line ${i + 1}: unknown keyword ${JSON.stringify(keyword)}`);
    const args = rest.join(" ").replace(/^ +/, "");
    const space = args.indexOf(" ");
    const first = space < 0 ? args : args.slice(0, space);
    const [access, topic] = first in ACCESS && space >= 0 ? [ACCESS[first]!, args.slice(space + 1).trim()] : [3 as TAccess, args.trim()];
    if (topicFilterProblem(topic)) throw new Error(`line ${i + 1}: invalid topic ${JSON.stringify(topic)}`);
    const rule = { line: i + 1, text: line, topic, access };
    if (keyword === "pattern") patterns.push(rule);
    else if (current) current.push(rule);
    else (anonymous ??= []).push(rule);
  });
  return { users: new Map([...users].map(([k, v]) => [k, denyFirst(v)])), anonymous: anonymous ? denyFirst(anonymous) : null, patterns: denyFirst(patterns) };
}

/** %c and %u replaced in one left-to-right pass, as the broker does. */
function substitute(topic: string, clientId: string, username: string | null): string {
  let out = "";
  for (let i = 0; i < topic.length; i++) {
    const next = topic[i] === "%" ? topic[i + 1] : undefined;
    const value = next === "c" ? clientId : next === "u" ? username : null;
    if (value === null) {
      out += topic[i];
    } else {
      out += value;
      i++;
    }
  }
  return out;
}

/**
 * The broker's decision for a client on a listener with this acl_file. Subscribing and unsubscribing are never
 * restricted by acl_file in Mosquitto 2.0 (only delivery is), so those are allowed.
 */
export function decideAclFile(acl: TAclFile, client: { username: string | null; clientId: string }, action: TAction, topic: string): TAclFileDecision {
  if (topic.startsWith("$SYS") && action === "publish" && !filterMatches("$SYS/broker/connection/+/state", topic)) return { allowed: false, decidedBy: { kind: "broker", reason: "clients may not publish to $SYS topics" } };
  if (topic.startsWith("$share") && action !== "subscribe" && action !== "unsubscribe") return { allowed: false, decidedBy: { kind: "broker", reason: "$share is only for subscribing" } };
  if (action === "subscribe" || action === "unsubscribe") return { allowed: true, decidedBy: { kind: "none", reason: "acl_file does not restrict subscriptions in Mosquitto 2.0; each delivered message is checked instead" } };
  const want = action === "receive" ? 1 : 2;
  const block = client.username !== null ? (acl.users.get(client.username) ?? null) : acl.anonymous;
  if (!block && acl.patterns.length === 0) return { allowed: false, decidedBy: { kind: "none", reason: "no rules for this client" } };
  const source = client.username !== null ? "user" : "anonymous";
  for (const rule of block ?? []) {
    if (topic.startsWith("$") && !rule.topic.startsWith("$")) continue;
    if (!filterMatches(rule.topic, topic)) continue;
    if (rule.access === 0) return { allowed: false, decidedBy: { kind: "rule", source, line: rule.line, text: rule.text } };
    if (rule.access & want) return { allowed: true, decidedBy: { kind: "rule", source, line: rule.line, text: rule.text } };
  }
  if (acl.patterns.length && (/[+#]/.test(client.username ?? "") || /[+#]/.test(client.clientId))) {
    return { allowed: false, decidedBy: { kind: "broker", reason: "a username or client id with + or # is denied by pattern rules" } };
  }
  for (const rule of acl.patterns) {
    if (rule.topic.includes("%u") && client.username === null) continue;
    if (!filterMatches(substitute(rule.topic, client.clientId, client.username), topic)) continue;
    if (rule.access === 0) return { allowed: false, decidedBy: { kind: "rule", source: "pattern", line: rule.line, text: rule.text } };
    if (rule.access & want) return { allowed: true, decidedBy: { kind: "rule", source: "pattern", line: rule.line, text: rule.text } };
  }
  return { allowed: false, decidedBy: { kind: "none", reason: "no rule matched, so acl_file denies" } };
}
