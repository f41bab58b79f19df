// Roles compiled to what Fleetward's brokers enforce: one device's block of Mosquitto 2.0's acl_file. The plugin's
// model (first matching rule in priority order decides, allow or deny; subscriptions checked on their own) and the
// file's (any matching deny wins and covers both directions; subscriptions unchecked, each delivery checked) are not
// the same, so the compiler keeps what the file can say exactly and `enforcementDifferences` names, topic by topic,
// where the brokers would decide otherwise than the roles say. Pure.
import { decideAclFile, parseAclFile } from "./acl-file";
import { decideDynsec, evaluationOrder, subAclCheck, type TAction, type TDynsecPolicy, type TOrderedRule } from "./dynsec";
import { expandTemplate, widenTemplates, type TTemplateValues } from "./templates";
import { filterMatches, filterMeet, filtersOverlap } from "./topics";

const everything = (acltype: TOrderedRule["acl"]["acltype"]): TOrderedRule => ({ acl: { acltype, topic: "#", priority: 0, allow: true }, rolename: "(default access)", index: -1 });

/** A device's rules of one type in the plugin's order, the default access last when it allows. */
function withDefault(policy: TDynsecPolicy, acltype: "publishClientSend" | "publishClientReceive", allow: boolean): TOrderedRule[] {
  const rules = evaluationOrder(policy, acltype);
  return allow ? [...rules, everything(acltype)] : rules;
}

/** A deny decides only for topics some later allow also matches; it is written then, and only then. */
function neededDenies(rules: TOrderedRule[]): string[] {
  return rules.filter((r, i) => !r.acl.allow && rules.slice(i + 1).some((a) => a.acl.allow && filtersOverlap(widenTemplates(a.acl.topic), widenTemplates(r.acl.topic)))).map((r) => r.acl.topic);
}

/**
 * The acl_file lines (`topic read|write|readwrite|deny <filter>`) that give a device the access its roles, groups
 * and the fleet's default describe, with ${clientId}/${username} still in them. Receiving needs a subscription
 * the roles allow, so read lines are the receive rules narrowed to the subscribe rules.
 */
export function compileAclLines(policy: TDynsecPolicy): string[] {
  const send = withDefault(policy, "publishClientSend", policy.defaultACLAccess.publishClientSend);
  const receive = withDefault(policy, "publishClientReceive", policy.defaultACLAccess.publishClientReceive);
  const subscribable = [
    ...evaluationOrder(policy, "subscribeLiteral").filter((r) => r.acl.allow).map((r) => ({ topic: r.acl.topic, pattern: false })),
    ...evaluationOrder(policy, "subscribePattern").filter((r) => r.acl.allow).map((r) => ({ topic: r.acl.topic, pattern: true })),
    ...(policy.defaultACLAccess.subscribe ? [{ topic: "#", pattern: true }] : []),
  ];
  const write = send.filter((r) => r.acl.allow).map((r) => r.acl.topic);
  const read = receive
    .filter((r) => r.acl.allow)
    .flatMap((r) => subscribable.map((s) => (s.pattern && subAclCheck(s.topic, r.acl.topic) ? r.acl.topic : filterMeet(r.acl.topic, s.topic))))
    .filter((t): t is string => t !== null);
  const denies = [...new Set([...neededDenies(send), ...neededDenies(receive)])];
  const grants = [...new Set([...write, ...read])].map((t) => `topic ${write.includes(t) ? (read.includes(t) ? "readwrite" : "write") : "read"} ${t}`);
  return [...denies.map((t) => `topic deny ${t}`), ...grants];
}

/** The lines for one device: templates expanded. */
export const expandLines = (lines: readonly string[], values: TTemplateValues) => lines.map((l) => expandTemplate(l, values));

export type TAclDifference = { action: "publish" | "receive"; topic: string; roles: boolean; brokers: boolean };

/** Topic names at the edges of a filter's reach: its wildcards filled in, a `#` also as its parent. */
function probesOf(filter: string): string[] {
  const levels = filter.split("/").map((l) => (l === "+" ? "p1" : l));
  if (levels.at(-1) !== "#") return [levels.join("/")];
  const parent = levels.slice(0, -1);
  return [...(parent.length ? [parent.join("/")] : []), [...parent, "p2"].join("/"), [...parent, "p2", "p3"].join("/")];
}

/** The policy with every rule topic expanded for one device. */
export function expandPolicy(policy: TDynsecPolicy, values: TTemplateValues): TDynsecPolicy {
  return { ...policy, roles: policy.roles.map((r) => ({ ...r, acls: r.acls.map((a) => ({ ...a, topic: expandTemplate(a.topic, values) })) })) };
}

/** Most filters probed: the closure is cut here (a policy of hundreds of overlapping rules). */
const MAX_PROBED_FILTERS = 5_000;

/**
 * The filters and every meet of two or more of them: where rules overlap, one may decide against another, and the
 * topic that shows it can lie where three meet (a subscription, a receive and a deny), not only where two do.
 */
function meetClosure(filters: readonly string[]): string[] {
  const all = new Set(filters);
  let frontier = [...filters];
  while (frontier.length && all.size < MAX_PROBED_FILTERS) {
    const next: string[] = [];
    for (const m of frontier) {
      for (const f of filters) {
        const x = filterMeet(m, f);
        if (x === null || all.has(x)) continue;
        all.add(x);
        next.push(x);
      }
    }
    frontier = next;
  }
  return [...all];
}

/**
 * Where the brokers (the compiled acl_file) decide otherwise than the plugin's reading of the roles, for one
 * device, probed at every rule's edges (its own topics and, through widened templates, other devices'). A receive
 * counts as allowed by the roles when the plugin allows receiving it and some subscription it allows covers it.
 */
export function enforcementDifferences(policy: TDynsecPolicy, values: TTemplateValues, lines: readonly string[], limit = 20): TAclDifference[] {
  const expanded = expandPolicy(policy, values);
  const file = parseAclFile(`user ${values.username}\n${lines.join("\n")}\n`);
  const filters = [...new Set(policy.roles.flatMap((r) => r.acls.flatMap((a) => [expandTemplate(a.topic, values), widenTemplates(a.topic)])))];
  const topics = new Set(["p0/p1", ...meetClosure(filters).flatMap(probesOf)]);
  const subscribeFilters = ["#", ...expanded.roles.flatMap((r) => r.acls.filter((a) => a.allow && a.acltype.startsWith("subscribe")).map((a) => a.topic))];
  const byRoles = (action: TAction, topic: string) => {
    const allowed = decideDynsec(expanded, action, topic).allowed;
    if (action !== "receive" || !allowed) return allowed;
    return [topic, ...subscribeFilters].some((f) => filterMatches(f, topic) && decideDynsec(expanded, "subscribe", f).allowed);
  };
  const out: TAclDifference[] = [];
  for (const topic of topics) {
    for (const action of ["publish", "receive"] as const) {
      const roles = byRoles(action, topic);
      const brokers = decideAclFile(file, { username: values.username, clientId: values.clientId }, action, topic).allowed;
      if (roles !== brokers) out.push({ action, topic, roles, brokers });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
