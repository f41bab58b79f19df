// Findings about the fleet's stored roles, groups and default access, and about what its brokers enforce for its
// devices: the policy linter's, plus what only the fleet shows (templates missing, devices without a role, rules
// the brokers' acl_file cannot hold exactly). Pure.
import { enforcementDifferences } from "./compile";
import type { TAclState } from "./fleet-change";
import { aclLinesCompiler, devicePolicy, type TDeviceAccess } from "./fleet-policy";
import { lintPolicy, type TFinding } from "./lint";
import { hasTemplate, widenTemplates } from "./templates";
import { filtersOverlap } from "./topics";

/** How many distinct role sets are checked for enforcement differences (each is checked on one of its devices). */
const MAX_SIGNATURES = 50;

const sig = (a: TDeviceAccess) => JSON.stringify([a.roles.map((r) => [r.rolename, r.priority ?? -1]).sort(), a.groups.map((g) => [g.groupname, g.priority ?? -1]).sort()]);

/**
 * A template-free allow that reaches the level where another rule puts ${clientId} or ${username} with a
 * wildcard: every device holding it reaches every other device's topics (e.g. devices/+/# next to
 * devices/${clientId}/#).
 */
function crossDevice(state: TAclState): TFinding[] {
  const templated = state.fleet.roles.flatMap((r) => r.acls.filter((a) => hasTemplate(a.topic)).map((a) => a.topic));
  const out: TFinding[] = [];
  for (const role of state.fleet.roles) {
    role.acls.forEach((acl, index) => {
      if (!acl.allow || hasTemplate(acl.topic) || acl.acltype.startsWith("unsubscribe")) return;
      const levels = acl.topic.split("/");
      const hit = templated.find((t) => {
        const k = t.split("/").findIndex(hasTemplate);
        const wild = levels[k] === "+" || levels.slice(0, k + 1).includes("#");
        return wild && filtersOverlap(acl.topic, widenTemplates(t));
      });
      if (hit) {
        out.push({ severity: "high", code: "cross-device", role: role.rolename, index, message: `Role ${role.rolename} gives ${acl.acltype} on ${acl.topic}: every device holding it reaches the topics other devices own by ${hit}.`, why: "One device's stolen credential then reads or writes every other device's topics.", fix: `Write the rule with a template, e.g. ${hit}, so each device gets only its own.` });
      }
    });
  }
  return out;
}

export function lintFleet(state: TAclState, devices: readonly { id: string; clientId: string }[]): TFinding[] {
  const assigned = [...new Set([...state.access.values()].flatMap((a) => a.roles.map((r) => r.rolename)))];
  const out = [...lintPolicy({ roles: state.fleet.roles, groups: state.fleet.groups, defaultACLAccess: state.fleet.defaultACLAccess, assigned }), ...crossDevice(state)];
  const none = devices.filter((d) => {
    const a = state.access.get(d.id);
    return !a || (a.roles.length === 0 && a.groups.length === 0);
  });
  if (none.length) {
    out.push({ severity: "medium", code: "no-role", devices: none.length, message: `${none.length} device(s) hold no role and no group (e.g. ${none.slice(0, 3).map((d) => d.clientId).join(", ")}): only the default access applies to them.`, why: "Their access then depends on fleet-wide defaults, not on what they need.", fix: "Give each the role of its device class, or put it in a group." });
  }
  const bySignature = new Map<string, { sample: { id: string; clientId: string }; count: number }>();
  for (const d of devices) {
    const key = sig(state.access.get(d.id) ?? { roles: [], groups: [] });
    const entry = bySignature.get(key);
    if (entry) entry.count++;
    else if (bySignature.size < MAX_SIGNATURES) bySignature.set(key, { sample: d, count: 1 });
  }
  const lines = aclLinesCompiler(state.fleet);
  for (const { sample, count } of bySignature.values()) {
    const access = state.access.get(sample.id) ?? { roles: [], groups: [] };
    const values = { clientId: sample.clientId, username: sample.clientId };
    const diffs = enforcementDifferences(devicePolicy(state.fleet, access, sample.clientId), values, lines(access, sample.clientId), 5);
    if (!diffs.length) continue;
    const opener = diffs.some((d) => d.brokers && !d.roles);
    const held = [...access.roles.map((r) => `role ${r.rolename}`), ...access.groups.map((g) => `group ${g.groupname}`)].join(", ") || "no role";
    const examples = diffs.map((d) => `${d.action} ${d.topic}: roles ${d.roles ? "allow" : "deny"}, brokers ${d.brokers ? "allow" : "deny"}`).join("; ");
    out.push({
      severity: opener ? "high" : "medium",
      code: "not-enforced-exactly",
      devices: count,
      message: `For ${count} device(s) with ${held} (e.g. ${sample.clientId}), the brokers would decide otherwise than the roles say: ${examples}.`,
      why: "Mosquitto 2.0's acl_file, which the brokers enforce, lets any matching deny win and applies it to publishing and receiving alike, and does not check subscriptions; a rule order the plugin honours can have no exact equivalent.",
      fix: "Give the exception the higher priority and keep allow and deny of one topic in one direction, or split the directions into topics of their own. The device's Check access shows what brokers enforce.",
    });
  }
  const rank = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
