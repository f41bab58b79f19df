// Mosquitto 2.0.11's dynamic security plugin, decision for decision (plugins/dynamic-security/acl.c and
// sub_matches_sub.c, src/security.c acl__check_dollar). Pure: a policy, an action and a topic in; allowed or
// denied and exactly what decided it out. A differential test holds it against a real broker.
import { filterMatches, topicFilterProblem } from "./topics";

export type TAclType = "publishClientSend" | "publishClientReceive" | "subscribeLiteral" | "subscribePattern" | "unsubscribeLiteral" | "unsubscribePattern";
export type TAction = "publish" | "receive" | "subscribe" | "unsubscribe";
export type TRule = { acltype: TAclType; topic: string; priority?: number; allow?: boolean };
export type TRole = { rolename: string; acls: readonly TRule[] };
export type TRoleRef = { rolename: string; priority?: number };
export type TGroupRef = { groupname: string; priority?: number };
export type TDefaultAccess = { publishClientSend: boolean; publishClientReceive: boolean; subscribe: boolean; unsubscribe: boolean };

export type TDynsecPolicy = {
  roles: readonly TRole[];
  groups: readonly { groupname: string; roles: readonly TRoleRef[] }[];
  client: { username: string; roles: readonly TRoleRef[]; groups: readonly TGroupRef[] };
  defaultACLAccess: TDefaultAccess;
};

export type TDecidedBy =
  | {
      kind: "rule";
      via: "client" | "group";
      groupname?: string;
      rolename: string;
      rolePriority: number;
      acl: { acltype: TAclType; topic: string; priority: number; allow: boolean };
      /** Index of the rule in its role's acls list. */
      index: number;
    }
  | { kind: "default"; setting: keyof TDefaultAccess; value: boolean; reason: string }
  | { kind: "broker"; reason: string };

export type TDecision = { allowed: boolean; decidedBy: TDecidedBy };

// Defaults the plugin applies when a priority is left out.
const ROLE_PRIORITY = -1;
const ACL_PRIORITY = 0;

const bytes = (s: string) => Buffer.from(s, "utf8");
/** strcmp on UTF-8 bytes, as uthash's ordering callbacks do. */
const strcmp = (a: string, b: string) => Buffer.compare(bytes(a), bytes(b));

const SEND_TYPE: Record<"publish" | "receive", TAclType> = { publish: "publishClientSend", receive: "publishClientReceive" };
const SUB_TYPES: Record<"subscribe" | "unsubscribe", [TAclType, TAclType]> = {
  subscribe: ["subscribeLiteral", "subscribePattern"],
  unsubscribe: ["unsubscribeLiteral", "unsubscribePattern"],
};
const DEFAULT_FOR: Record<TAction, keyof TDefaultAccess> = { publish: "publishClientSend", receive: "publishClientReceive", subscribe: "subscribe", unsubscribe: "unsubscribe" };

/** The broker's own rule for `$` topics, applied before any plugin (src/security.c acl__check_dollar). */
function brokerPrecheck(action: TAction, topic: string): string | null {
  if (topic.startsWith("$SYS")) {
    if (action === "publish" && !filterMatches("$SYS/broker/connection/+/state", topic)) return "clients may not publish to $SYS topics";
    return null;
  }
  if (topic.startsWith("$share") && action !== "subscribe" && action !== "unsubscribe") return "$share is only for subscribing";
  return null;
}

/** A role list as the plugin orders it: priority descending, then name ascending (bytes); a repeated name is ignored. */
function ordered<T extends { priority?: number }>(refs: readonly T[], name: (t: T) => string): (T & { prio: number })[] {
  const seen = new Set<string>();
  const out: (T & { prio: number })[] = [];
  for (const r of refs) {
    if (seen.has(name(r))) continue;
    seen.add(name(r));
    out.push({ ...r, prio: r.priority ?? ROLE_PRIORITY });
  }
  return out.sort((a, b) => b.prio - a.prio || strcmp(name(a), name(b)));
}

/** One role's rules of one type, priority descending, ties in the order they were written. */
function rulesOf(role: TRole, acltype: TAclType) {
  return role.acls
    .map((acl, index) => ({ acl: { acltype: acl.acltype, topic: acl.topic, priority: acl.priority ?? ACL_PRIORITY, allow: acl.allow ?? false }, index }))
    .filter((r) => r.acl.acltype === acltype)
    .sort((a, b) => b.acl.priority - a.acl.priority);
}

/**
 * Whether a subscription filter is covered by a subscribe/unsubscribe pattern, as sub_acl_check does it: a
 * trailing `#` in either is stripped first, wildcards in the filter are only covered by the same wildcard or the
 * pattern's `#`, and there is no `$` rule (`#` covers `$SYS/#`).
 */
export function subAclCheck(acl: string, sub: string): boolean {
  return subAclCovers(subAclTopic(acl), subAclTopic(sub));
}

/** A filter or pattern as sub_acl_check reads it: whether it is `#`, whether a trailing `#` was stripped, the levels left. */
export type TSubAclTopic = { all: boolean; hash: boolean; levels: readonly string[] };

/** Reads a filter once, for callers that compare it with many others (the linter). */
export function subAclTopic(topic: string): TSubAclTopic {
  const all = topic === "#";
  const hash = all || (topic.length > 1 && topic.endsWith("/#"));
  return { all, hash, levels: (all ? "" : hash ? topic.slice(0, -2) : topic).split("/") };
}

/** subAclCheck on filters read by subAclTopic. */
export function subAclCovers(acl: TSubAclTopic, sub: TSubAclTopic): boolean {
  if (acl.all) return true;
  if (sub.hash && !acl.hash) return false;
  const al = acl.levels;
  const sl = sub.levels;
  if (al.length > sl.length) return false;
  // Levels of the filter past the pattern's are covered only by its stripped `#`.
  if (sl.length > al.length && !acl.hash) return false;
  for (let i = 0; i < al.length; i++) if (al[i] !== "+" && al[i] !== sl[i]) return false;
  return true;
}

/** mosquitto_topic_matches_sub: a malformed rule topic never matches. */
const publishMatches = (filter: string, topic: string) => topicFilterProblem(filter) === null && filterMatches(filter, topic);

/**
 * The plugin's decision for a client of the policy: its own roles first, then its groups' roles (each in the
 * plugin's order), the first rule that matches decides, allow or deny; else the default access, which never
 * opens `$CONTROL` topics. `topic` is the published topic, or the subscription filter exactly as sent.
 */
export function decideDynsec(policy: TDynsecPolicy, action: TAction, topic: string): TDecision {
  const broker = brokerPrecheck(action, topic);
  if (broker) return { allowed: false, decidedBy: { kind: "broker", reason: broker } };
  const roles = new Map(policy.roles.map((r) => [r.rolename, r]));
  const groups = new Map(policy.groups.map((g) => [g.groupname, g]));
  const lists: { via: "client" | "group"; groupname?: string; refs: readonly TRoleRef[] }[] = [
    { via: "client", refs: policy.client.roles },
    ...ordered(policy.client.groups.filter((g) => groups.has(g.groupname)), (g) => g.groupname).map((g) => ({ via: "group" as const, groupname: g.groupname, refs: groups.get(g.groupname)!.roles })),
  ];
  // A role reached again through another group decides no differently: each is tried once, so the work stays
  // linear in the policy's size however many groups share a role.
  const tried = new Set<string>();
  for (const list of lists) {
    for (const ref of ordered(list.refs.filter((r) => roles.has(r.rolename)), (r) => r.rolename)) {
      if (tried.has(ref.rolename)) continue;
      tried.add(ref.rolename);
      const role = roles.get(ref.rolename)!;
      const decided = (hit: ReturnType<typeof rulesOf>[number]): TDecision => ({
        allowed: hit.acl.allow,
        decidedBy: { kind: "rule", via: list.via, ...(list.groupname ? { groupname: list.groupname } : {}), rolename: role.rolename, rolePriority: ref.prio, acl: hit.acl, index: hit.index },
      });
      if (action === "publish" || action === "receive") {
        const hit = rulesOf(role, SEND_TYPE[action]).find((r) => publishMatches(r.acl.topic, topic));
        if (hit) return decided(hit);
        continue;
      }
      const [literalType, patternType] = SUB_TYPES[action];
      // A hash lookup of the whole filter: with a topic written twice, the one loaded last is found.
      const literal = rulesOf(role, literalType).filter((r) => r.acl.topic === topic).sort((a, b) => b.index - a.index)[0];
      if (literal) return decided(literal);
      const pattern = rulesOf(role, patternType).find((r) => subAclCheck(r.acl.topic, topic));
      if (pattern) return decided(pattern);
    }
  }
  const setting = DEFAULT_FOR[action];
  const value = policy.defaultACLAccess[setting];
  if (!value) return { allowed: false, decidedBy: { kind: "default", setting, value, reason: `no rule matched and the default for ${setting} is deny` } };
  if (topic.startsWith("$CONTROL")) return { allowed: false, decidedBy: { kind: "default", setting, value, reason: "no rule matched; the default never opens $CONTROL topics" } };
  return { allowed: true, decidedBy: { kind: "default", setting, value, reason: `no rule matched and the default for ${setting} is allow` } };
}

export type TOrderedRule = { acl: { acltype: TAclType; topic: string; priority: number; allow: boolean }; rolename: string; index: number; groupname?: string };

/**
 * Every rule of one type in the order the plugin tries them for this client: its own roles, then its groups'
 * roles, each list in the plugin's order, each role's rules by priority. For publish and receive the first
 * matching rule of this list decides.
 */
export function evaluationOrder(policy: TDynsecPolicy, acltype: TAclType): TOrderedRule[] {
  const roles = new Map(policy.roles.map((r) => [r.rolename, r]));
  const groups = new Map(policy.groups.map((g) => [g.groupname, g]));
  const lists: { groupname?: string; refs: readonly TRoleRef[] }[] = [
    { refs: policy.client.roles },
    ...ordered(policy.client.groups.filter((g) => groups.has(g.groupname)), (g) => g.groupname).map((g) => ({ groupname: g.groupname, refs: groups.get(g.groupname)!.roles })),
  ];
  return lists.flatMap((list) =>
    ordered(list.refs.filter((r) => roles.has(r.rolename)), (r) => r.rolename).flatMap((ref) =>
      rulesOf(roles.get(ref.rolename)!, acltype).map((r) => ({ ...r, rolename: ref.rolename, ...(list.groupname ? { groupname: list.groupname } : {}) })),
    ),
  );
}
