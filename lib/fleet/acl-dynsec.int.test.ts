// Differential test: the dynsec simulator and Fleetward's broker plugin against Mosquitto 2.0.11's dynamic security
// plugin. fast-check makes random policies (roles, rule types, priorities and ties, groups, default access, $ topics)
// and one action each; every case is applied to a real broker with dynsec and to one with Fleetward's plugin (its
// sanitizer build), and all three decisions must agree. Rule topics may hold ${clientId} and ${username}: the plugin
// reads them at check time, while dynsec (which has no templates) and the simulator get them expanded for the client.
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { decideDynsec, type TAclType, type TAction, type TDefaultAccess, type TDynsecPolicy, type TRole, type TRule } from "@/lib/domain/acl/dynsec";
import { delivered, notAuthorised, publishAllowed, startDynsecBroker, startPluginAclBroker, type TAclBroker, type TDynsecConfig } from "./testing/acl-broker";

const CASES = Number(process.env.FLEETWARD_ACL_CASES ?? 240);
const SEED = Number(process.env.FLEETWARD_ACL_SEED ?? Date.now() % 2_147_483_647);

const ACL_TYPES: TAclType[] = ["publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern"];
const RELEVANT: Record<TAction, TAclType[]> = {
  publish: ["publishClientSend"],
  receive: ["publishClientReceive"],
  subscribe: ["subscribeLiteral", "subscribePattern"],
  unsubscribe: ["unsubscribeLiteral", "unsubscribePattern"],
};
// Few distinct topics, so that rules overlap and priorities, ties and order decide.
const level = fc.constantFrom("a", "b", "", "+");
const filter = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("a", "a/b", "+", "+/b", "a/+", "#", "a/#", "+/#", "/#", "a/+/#") },
  { weight: 1, arbitrary: fc.constantFrom("$SYS/#", "$SYS/a", "$CONTROL", "$CONTROL/#", "$x/#", "$x/a", "$share/g/a", "$share/g/#", "+/+", "fleetward/#", "fleetward/agent/+/cmd") },
  { weight: 2, arbitrary: fc.constantFrom("${clientId}/#", "a/${username}", "${clientId}/+", "a/${clientId}/#", "${username}") },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("a", "b", "+", "$x"), fc.array(level, { maxLength: 2 }), fc.boolean()).map(([first, rest, hash]) => [first, ...rest, ...(hash ? ["#"] : [])].join("/")) },
);
const name = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("a", "a/b", "b", "a/b/c", "/", "a/") },
  { weight: 1, arbitrary: fc.constantFrom("$SYS/a", "$x/a", "$x", "fleetward/agent/a/heartbeat") },
  { weight: 2, arbitrary: fc.constantFrom("${clientId}/a", "a/${clientId}", "a/${clientId}/b", "${clientId}") },
);
const priority = fc.option(fc.integer({ min: -1, max: 1 }), { nil: undefined });
const ROLE_NAMES = ["r1", "r2", "r3"];

const policyCase = fc.constantFrom<TAction>("publish", "receive", "subscribe", "unsubscribe").chain((action) => {
  const rule: fc.Arbitrary<TRule> = fc.record(
    {
      acltype: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...RELEVANT[action]) }, { weight: 1, arbitrary: fc.constantFrom(...ACL_TYPES) }),
      topic: filter,
      priority,
      allow: fc.option(fc.boolean(), { nil: undefined }),
    },
    { requiredKeys: ["acltype", "topic"] },
  );
  const topic = action === "subscribe" || action === "unsubscribe" ? fc.oneof(filter, fc.constantFrom("$CONTROL/a", "$share/g/a/b")) : action === "receive" ? name.filter((t) => !t.startsWith("$SYS")) : name;
  return fc.record({
    action: fc.constant(action),
    topic,
    roles: fc.uniqueArray(fc.constantFrom(...ROLE_NAMES), { minLength: 1, maxLength: 3 }).chain((names) => fc.tuple(...names.map((n) => fc.array(rule, { maxLength: 6 }).map((acls): TRole => ({ rolename: n, acls }))))),
    clientRoles: fc.uniqueArray(fc.record({ rolename: fc.constantFrom(...ROLE_NAMES, "missing"), priority }), { maxLength: 3, selector: (r) => r.rolename }),
    groups: fc.uniqueArray(fc.record({ groupname: fc.constantFrom("g1", "g2"), roles: fc.uniqueArray(fc.record({ rolename: fc.constantFrom(...ROLE_NAMES), priority }), { maxLength: 2, selector: (r) => r.rolename }), priority }), { maxLength: 2, selector: (g) => g.groupname }),
    defaults: fc.record({ publishClientSend: fc.boolean(), publishClientReceive: fc.boolean(), subscribe: fc.boolean(), unsubscribe: fc.boolean() }),
  });
});

type TCase = (typeof policyCase extends fc.Arbitrary<infer T> ? T : never) & { id: string };

/** A rule topic or case topic with the client's templates expanded (every case's client id and username are its id). */
const expanded = (c: TCase, topic: string) => topic.replaceAll("${clientId}", c.id).replaceAll("${username}", c.id);
const expandedRoles = (c: TCase) => c.roles.map((r) => ({ ...r, acls: r.acls.map((a) => ({ ...a, topic: expanded(c, a.topic) })) }));

const policyOf = (c: TCase): TDynsecPolicy => ({
  roles: expandedRoles(c),
  groups: c.groups.map((g) => ({ groupname: g.groupname, roles: g.roles })),
  client: { username: c.id, roles: c.clientRoles, groups: c.groups.map((g) => ({ groupname: g.groupname, priority: g.priority })) },
  defaultACLAccess: c.defaults,
});

// Each case gets its own names on the shared broker; a common prefix keeps the plugin's name order.
/** `templates`: the rules as written (for the plugin), else expanded for each case's client (for dynsec). */
function configFor(cases: readonly TCase[], defaults: TDefaultAccess, templates: boolean): TDynsecConfig {
  const ns = (c: TCase, n: string) => `${c.id}-${n}`;
  return {
    defaultACLAccess: defaults,
    roles: [
      { rolename: "fw-publisher", acls: [{ acltype: "publishClientSend", topic: "#", allow: true }, { acltype: "publishClientSend", topic: "$x/#", allow: true }] },
      ...cases.flatMap((c) => [
        ...(templates ? c.roles : expandedRoles(c)).map((r) => ({ rolename: ns(c, r.rolename), acls: r.acls })),
        // Lets a receive case subscribe to its topic and to its sentinel, first of all its roles; it holds no
        // receive rule for the topic, so the decision under test is the policy's own.
        { rolename: ns(c, "~observer"), acls: [{ acltype: "subscribeLiteral" as const, topic: c.topic, allow: true }, { acltype: "subscribeLiteral" as const, topic: `fw-sentinel/${c.id}`, allow: true }, { acltype: "publishClientReceive" as const, topic: `fw-sentinel/${c.id}`, allow: true }] },
      ]),
    ],
    clients: [
      { username: "fw-publisher", password: "publisher-pw", roles: [{ rolename: "fw-publisher" }] },
      ...cases.map((c) => ({
        username: c.id,
        password: `pw-${c.id}`,
        roles: [...c.clientRoles.map((r) => ({ ...r, rolename: ns(c, r.rolename) })), ...(c.action === "receive" ? [{ rolename: ns(c, "~observer"), priority: 1_000 }] : [])],
      })),
    ],
    groups: cases.flatMap((c) => c.groups.map((g) => ({ groupname: ns(c, g.groupname), roles: g.roles.map((r) => ({ ...r, rolename: ns(c, r.rolename) })), clients: [{ username: c.id, priority: g.priority }] }))),
  };
}

async function observe(c: TCase, client: MqttClient, publisher: MqttClient): Promise<boolean> {
  if (c.action === "publish") return publishAllowed(client, c.topic);
  if (c.action === "subscribe") return client.subscribeAsync(c.topic, { qos: 0 }).then(() => true, (e: unknown) => (notAuthorised(e) ? false : Promise.reject(e)));
  if (c.action === "unsubscribe") {
    const packet = (await client.unsubscribeAsync(c.topic)) as { granted?: number[]; reasonCode?: number } | undefined;
    const code = packet?.granted?.[0] ?? packet?.reasonCode ?? 0;
    return code < 0x80;
  }
  // A broker that refuses even the observer's subscription (the plugin, on Fleetward's topics) delivers nothing.
  return delivered(client, publisher, c.topic, `fw-sentinel/${c.id}`).catch((e: unknown) => (notAuthorised(e) ? false : Promise.reject(e)));
}

const FLEETWARD_RESERVED = (topic: string) => topic.startsWith("$CONTROL") || topic === "fleetward" || topic.startsWith("fleetward/");

/** What a broker decides for each case of the group, by username. */
async function decisions(broker: TAclBroker, group: readonly TCase[]): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const publisher = await broker.connect("fw-publisher", "publisher-pw");
  try {
    for (const c of group) {
      const client = await broker.connect(c.id, `pw-${c.id}`);
      try {
        out.set(c.id, await observe(c, client, publisher));
      } finally {
        await client.endAsync(true);
      }
    }
  } finally {
    await publisher.endAsync(true);
    await broker.stop();
  }
  return out;
}

describe("dynsec simulator and Fleetward's plugin vs Mosquitto's dynamic security plugin", () => {
  it(`agree on every decision of ${CASES} random cases (seed ${SEED})`, async () => {
    const cases: TCase[] = fc.sample(policyCase, { numRuns: CASES, seed: SEED }).map((c, i) => {
      const id = `k${String(i).padStart(4, "0")}`;
      // The action's topic is what the client really sends: its own id where the case names it.
      return { ...c, id, topic: c.topic.replaceAll("${clientId}", id).replaceAll("${username}", id) };
    });
    const byDefaults = new Map<string, TCase[]>();
    for (const c of cases) byDefaults.set(JSON.stringify(c.defaults), [...(byDefaults.get(JSON.stringify(c.defaults)) ?? []), c]);
    const disagreements: unknown[] = [];
    for (const [key, group] of byDefaults) {
      const defaults = JSON.parse(key) as TDefaultAccess;
      const dynsec = await decisions(await startDynsecBroker(configFor(group, defaults, false)), group);
      const plugin = await decisions(await startPluginAclBroker(configFor(group, defaults, true)), group);
      for (const c of group) {
        const predicted = decideDynsec(policyOf(c), c.action, c.topic);
        const actual = dynsec.get(c.id)!;
        // The plugin keeps Fleetward's control plane out of every device's reach: those topics are refused whatever dynsec says.
        const pluginWants = actual && !FLEETWARD_RESERVED(c.topic);
        if (predicted.allowed !== actual || plugin.get(c.id) !== pluginWants) disagreements.push({ dynsec: actual ? "allowed" : "denied", plugin: plugin.get(c.id) ? "allowed" : "denied", simulator: predicted, action: c.action, topic: c.topic, policy: policyOf(c) });
      }
    }
    expect(disagreements, `seed ${SEED}: ${JSON.stringify(disagreements.slice(0, 3), null, 1)}`).toEqual([]);
  }, 600_000);
});
