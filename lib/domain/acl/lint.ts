// Findings about a policy in the dynamic security plugin's vocabulary: what is too open, what can never decide,
// what nobody uses. Each says why it matters and how to fix it. Pure.
import { subAclCovers, subAclTopic, type TAclType, type TDefaultAccess, type TRole, type TRoleRef, type TRule, type TSubAclTopic } from "./dynsec";

export type TLintPolicy = {
  roles: readonly TRole[];
  groups: readonly { groupname: string; roles: readonly TRoleRef[] }[];
  client?: { username: string; roles: readonly TRoleRef[]; groups: readonly { groupname: string }[] };
  defaultACLAccess: TDefaultAccess;
  /** Roles stored devices hold directly (for the fleet's own policy, which has no single client). */
  assigned?: readonly string[];
};

export type TFinding = {
  severity: "high" | "medium" | "low";
  code: string;
  message: string;
  why: string;
  fix: string;
  role?: string;
  /** Index of the rule in its role's acls list. */
  index?: number;
  /** How many stored devices it concerns, when it concerns devices. */
  devices?: number;
};

const WIDE = new Set(["#", "+/#"]);
/**
 * Whether every topic (or filter) `inner` reaches is also reached by `outer` under the rule type's matching:
 * publish rules never match `$` topics from a filter that does not start with `$`; pattern subscriptions do.
 */
function covers(type: TAclType, outer: TRanked, inner: TRanked): boolean {
  if (outer.acl.topic === inner.acl.topic) return true;
  if ((type === "publishClientSend" || type === "publishClientReceive") && inner.acl.topic.startsWith("$") && !outer.acl.topic.startsWith("$")) return false;
  return subAclCovers(outer.filter, inner.filter);
}

/** A rule in its role's order of one type, its topic read once: a role's rules are compared pairwise. */
type TRanked = { acl: TRule; index: number; priority: number; filter: TSubAclTopic };

/** The first of `ranked[0..end)` that passes `test`, without copying the list (a role holds up to 1,000 rules). */
function firstBefore(ranked: readonly TRanked[], end: number, test: (e: TRanked) => boolean): TRanked | undefined {
  for (let j = 0; j < end; j++) if (test(ranked[j]!)) return ranked[j];
  return undefined;
}

export function lintPolicy(p: TLintPolicy): TFinding[] {
  const out: TFinding[] = [];
  for (const role of p.roles) {
    role.acls.forEach((acl, index) => {
      const where = { role: role.rolename, index };
      if (acl.allow && WIDE.has(acl.topic) && acl.acltype !== "unsubscribePattern" && acl.acltype !== "unsubscribeLiteral") {
        out.push({ severity: "high", code: "wildcard-everything", ...where, message: `Role ${role.rolename} allows ${acl.acltype} on ${acl.topic}.`, why: `${acl.topic} reaches every device's topics and Fleetward's control topics (fleetward/#), which Fleetward denies to devices anyway: every client with this role still reaches every other device's topics, so one stolen credential reads or writes the whole fleet's traffic.`, fix: "Narrow the topic to what the device class needs, e.g. devices/${clientId}/# with a template, or plant/+/telemetry." });
      }
      const dollar = acl.topic.startsWith("$SYS") || acl.topic.startsWith("$CONTROL") || (acl.acltype === "subscribePattern" && WIDE.has(acl.topic));
      if (acl.allow && dollar) {
        out.push({ severity: "high", code: "broker-topics", ...where, message: `Role ${role.rolename} lets devices reach $SYS or $CONTROL topics (${acl.acltype} ${acl.topic}).`, why: "$SYS reveals the broker's clients and load; $CONTROL administers the broker. A subscribe pattern of # or +/# also covers them, since pattern subscriptions have no $ rule.", fix: "Give broker topics only to Fleetward's own identities; for devices, name their topics explicitly." });
      }
    });
    for (const type of new Set(role.acls.map((a) => a.acltype))) {
      const ordered: TRanked[] = role.acls.flatMap((acl, index) => (acl.acltype === type ? [{ acl, index, priority: acl.priority ?? 0, filter: subAclTopic(acl.topic) }] : [])).sort((a, b) => b.priority - a.priority);
      ordered.forEach((r, i) => {
        const literal = type === "subscribeLiteral" || type === "unsubscribeLiteral";
        // A literal rule is found by its exact topic, the last one written winning; others go in order.
        const shadow = literal ? ordered.find((o) => o.index > r.index && o.acl.topic === r.acl.topic) : firstBefore(ordered, i, (e) => covers(type, e, r));
        if (shadow) {
          out.push({ severity: "medium", code: "shadowed", role: role.rolename, index: r.index, message: `Rule ${r.index + 1} of role ${role.rolename} (${type} ${r.acl.topic}) never decides: rule ${shadow.index + 1} (${shadow.acl.topic}) always matches first.`, why: "A rule that can never decide misleads whoever reads the policy, and its intent is not enforced.", fix: "Remove it, or give it a higher priority than the broader rule if it was meant as an exception." });
          return;
        }
        const conflict = firstBefore(ordered, i, (e) => e.priority === r.priority && (e.acl.allow ?? false) !== (r.acl.allow ?? false) && (covers(type, e, r) || covers(type, r, e)));
        if (conflict && !literal) {
          out.push({ severity: "medium", code: "equal-priority-conflict", role: role.rolename, index: r.index, message: `Rules ${conflict.index + 1} and ${r.index + 1} of role ${role.rolename} allow and deny overlapping topics at the same priority ${r.priority}.`, why: "Only their order in the list decides, which is easy to change by accident.", fix: "Give the exception a higher priority than the general rule." });
        }
      });
    }
  }
  const used = new Set([...(p.client?.roles ?? []), ...p.groups.flatMap((g) => g.roles)].map((r) => r.rolename).concat(p.assigned ?? []));
  for (const role of p.roles) {
    if (!used.has(role.rolename)) out.push({ severity: "low", code: "unused-role", role: role.rolename, message: `Role ${role.rolename} is given to no client or group.`, why: "Unused roles grow into copies nobody maintains.", fix: "Assign it, or delete it." });
  }
  if (p.client && p.client.roles.length === 0 && p.client.groups.length === 0) {
    out.push({ severity: "medium", code: "no-role", message: `Client ${p.client.username} has no role and no group: only the default access applies to it.`, why: "Its access then depends on fleet-wide defaults, not on what it needs.", fix: "Give it the role of its device class." });
  }
  const DEFAULTS: Record<keyof TDefaultAccess, [TFinding["severity"], string]> = {
    publishClientSend: ["high", "Any client may publish anywhere its roles are silent: least privilege is lost."],
    subscribe: ["high", "Any client may subscribe anywhere its roles are silent, including broker topics by pattern."],
    publishClientReceive: ["low", "Harmless alone (a client must still be allowed to subscribe), but receive rules can then only deny."],
    unsubscribe: ["low", "Nearly harmless: a client can only drop its own subscriptions. Mosquitto's own default."],
  };
  for (const [key, [severity, why]] of Object.entries(DEFAULTS) as [keyof TDefaultAccess, [TFinding["severity"], string]][]) {
    if (p.defaultACLAccess[key]) out.push({ severity, code: "default-allow", message: `The default access allows ${key} for every topic no rule covers.`, why, fix: `Set defaultACLAccess.${key} to false and allow what each role needs.` });
  }
  const rank = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
