// Issue "roles and ACLs" figures: how fast a role change is enforced on every broker (policy-propagation.ts); how many access decisions the simulator makes per second for a fleet of 10,000
// devices with 20 rules each, and, as the baseline in the same run, how many a real Mosquitto with the dynamic
// security plugin answers over one MQTT connection (QoS 1 publishes, each a decision acknowledged by the broker).
import { decideDynsec, type TDynsecPolicy, type TRule } from "@/lib/domain/acl/dynsec";
import { publishAllowed, startDynsecBroker } from "@/lib/fleet/testing/acl-broker";
import { round, type TFigure } from "./figures";
import { policyPropagationFigures } from "./policy-propagation";

const DEVICES = 10_000;
const RULES = 20;
const DECISIONS = 200_000;

/** 20 rules of a device class: its own topics, shared ones, exceptions at higher priority, a catch-all deny. */
function rulesFor(id: string): TRule[] {
  const own = ["telemetry", "status", "config", "events", "alarms", "firmware", "logs", "metrics"];
  const shared: TRule[] = [
    { acltype: "subscribePattern", topic: `devices/${id}/#`, priority: 5, allow: true },
    { acltype: "publishClientSend", topic: "plant/+/telemetry", priority: 1, allow: true },
    { acltype: "publishClientReceive", topic: "broadcast/#", priority: 1, allow: true },
    { acltype: "publishClientSend", topic: "#", priority: -10, allow: false },
  ];
  return [
    ...own.map((t, i): TRule => ({ acltype: "publishClientSend", topic: `devices/${id}/${t}`, priority: 10 + i, allow: t !== "firmware" })),
    ...own.map((t, i): TRule => ({ acltype: "publishClientReceive", topic: `devices/${id}/${t}/#`, priority: 10 + i, allow: true })),
    ...shared,
  ].slice(0, RULES);
}

const DEFAULTS = { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false };

function policyFor(i: number): TDynsecPolicy {
  const id = `d${i}`;
  return { roles: [{ rolename: `class-${id}`, acls: rulesFor(id) }], groups: [], client: { username: id, roles: [{ rolename: `class-${id}` }], groups: [] }, defaultACLAccess: DEFAULTS };
}

export async function aclBench(): Promise<TFigure[]> {
  const policies = Array.from({ length: DEVICES }, (_, i) => policyFor(i));
  const topics = (i: number) => [`devices/d${i}/telemetry`, `devices/d${i}/firmware`, `devices/d${(i + 1) % DEVICES}/telemetry`, "plant/a/telemetry", "other/x"];
  let allowed = 0;
  const t0 = performance.now();
  for (let n = 0; n < DECISIONS; n++) {
    const i = (n * 7919) % DEVICES;
    if (decideDynsec(policies[i]!, "publish", topics(i)[n % 5]!).allowed) allowed++;
  }
  const perSecond = DECISIONS / ((performance.now() - t0) / 1000);

  const baselineN = 2_000;
  const broker = await startDynsecBroker({ defaultACLAccess: DEFAULTS, roles: policies[0]!.roles, clients: [{ username: "d0", password: "pw", roles: [{ rolename: "class-d0" }] }], groups: [] });
  let brokerPerSecond = NaN;
  try {
    const client = await broker.connect("d0", "pw");
    const t1 = performance.now();
    for (let n = 0; n < baselineN; n++) await publishAllowed(client, topics(0)[n % 5]!);
    brokerPerSecond = baselineN / ((performance.now() - t1) / 1000);
    await client.endAsync(true);
  } finally {
    await broker.stop();
  }
  return [
    ...(await policyPropagationFigures()),
    {
      name: `ACL simulator: decisions per second, ${DEVICES.toLocaleString("en")} devices x ${RULES} rules (one core)`,
      value: round(perSecond, 0),
      unit: "decisions/s",
      goal: null,
      baseline: { value: round(brokerPerSecond, 0), what: `Mosquitto dynsec answering QoS 1 publishes over one connection, ${RULES} rules` },
      note: `${DECISIONS.toLocaleString("en")} publish decisions over a 5-topic mix (${round((allowed / DECISIONS) * 100, 0)}% allowed)`,
    },
  ];
}
