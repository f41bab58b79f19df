// Rules and decisions in plain words, shown beside the raw form.
import type { TAclType, TDecidedBy, TRule } from "./dynsec";

const VERB: Record<TAclType, string> = {
  publishClientSend: "publish to",
  publishClientReceive: "receive messages on",
  subscribeLiteral: "subscribe to exactly",
  subscribePattern: "subscribe to filters within",
  unsubscribeLiteral: "unsubscribe from exactly",
  unsubscribePattern: "unsubscribe from filters within",
};

/** "may publish to plant/+/telemetry (priority 5)" / "may not receive messages on #". */
export function describeRule(rule: TRule): string {
  return `${rule.allow ? "may" : "may not"} ${VERB[rule.acltype]} ${rule.topic} (priority ${rule.priority ?? 0})`;
}

export function describeDecision(allowed: boolean, d: TDecidedBy): string {
  const verdict = allowed ? "Allowed" : "Denied";
  if (d.kind === "broker") return `${verdict} by the broker itself: ${d.reason}.`;
  if (d.kind === "default") return `${verdict} by the default access: ${d.reason}.`;
  const where = d.via === "group" ? `role ${d.rolename} of group ${d.groupname}` : `role ${d.rolename}`;
  return `${verdict} by rule ${d.index + 1} of ${where} (role priority ${d.rolePriority}): ${describeRule(d.acl)}.`;
}
