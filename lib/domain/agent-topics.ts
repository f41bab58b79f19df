// The MQTT topics between Fleetward and each broker's agent; browsers read some of them (live views). Pure, no crypto.
export const AGENT_TOPICS = {
  command: (broker: string) => `fleetward/agent/${broker}/cmd`,
  reply: (broker: string) => `fleetward/agent/${broker}/reply`,
  heartbeat: (broker: string) => `fleetward/agent/${broker}/heartbeat`,
  clients: (broker: string) => `fleetward/agent/${broker}/clients`,
  events: (broker: string) => `fleetward/agent/${broker}/events`,
  load: (broker: string) => `fleetward/agent/${broker}/load`,
};
export type TAgentTopic = keyof typeof AGENT_TOPICS;

/** The broker plugin's channel on the admin listener (broker-plugin/src/fw.h): the agent's batches, its replies, its events. */
export const PLUGIN_TOPICS = { control: "$CONTROL/fleetward/v1", response: "$CONTROL/fleetward/v1/response", events: "$CONTROL/fleetward/v1/events" } as const;

/**
 * Fleetward's control topics: its agents' channel and the verifier's verdicts (`fleetward/#`), and the broker's own
 * administration (`$CONTROL/#`). Only Fleetward's identities on the admin listener use them; every device listener
 * denies them to every device before any grant its roles give (a role of `#` included), since a device that reached
 * them could read the fleet's commands or forge an agent's reports.
 */
export const CONTROL_TOPICS = ["fleetward/#", "$CONTROL/#"] as const;

const SUFFIX: Record<string, TAgentTopic> = { cmd: "command", reply: "reply", heartbeat: "heartbeat", clients: "clients", events: "events", load: "load" };

/** Which broker's agent topic this is, and which one; null for any other topic. */
export function parseAgentTopic(topic: string): { broker: string; kind: TAgentTopic } | null {
  const m = /^fleetward\/agent\/([^/]+)\/([^/]+)$/.exec(topic);
  const kind = m ? SUFFIX[m[2]!] : undefined;
  return m && kind ? { broker: m[1]!, kind } : null;
}

/**
 * The broker an agent's report is about: the one in the topic the broker delivered it on, never a name in its body
 * (a report that names another broker than its topic is refused: the reason is returned instead).
 */
export function reportBroker(topic: string, kind: TAgentTopic, body: unknown): { broker: string } | { refused: string } {
  const t = parseAgentTopic(topic);
  if (!t || t.kind !== kind) return { refused: `${topic} is not an agent's ${kind} topic` };
  if (!body || typeof body !== "object" || Array.isArray(body)) return { refused: `the ${kind} on ${topic} is not a JSON object` };
  const named = (body as { broker?: unknown }).broker;
  if (named !== undefined && named !== t.broker) return { refused: `the ${kind} on ${topic} names broker ${JSON.stringify(String(named)).slice(0, 80)}` };
  return { broker: t.broker };
}
