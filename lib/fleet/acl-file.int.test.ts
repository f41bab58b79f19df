// Differential test: the acl_file simulator against Mosquitto 2.0.11's own acl_file (what Fleetward's brokers
// enforce). fast-check writes random acl files (user blocks, deny/read/write/readwrite, %u/%c patterns, $ topics,
// usernames with / or +) and one action each; the broker reloads the file and both decisions must agree.
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { decideAclFile, parseAclFile } from "@/lib/domain/acl/acl-file";
import type { TAction } from "@/lib/domain/acl/dynsec";
import { delivered, publishAllowed, startAclFileBroker, type TAclFileBroker } from "./testing/acl-broker";

const CASES = Number(process.env.FLEETWARD_ACL_CASES ?? 160);
const SEED = Number(process.env.FLEETWARD_ACL_SEED ?? Date.now() % 2_147_483_647);
const USERS = ["u1", "u/x", "u+"];
const PASSWORD = "test-password";

const access = fc.constantFrom("", "read ", "write ", "readwrite ", "deny ");
const topicRule = fc.constantFrom("a", "a/b", "a/#", "#", "+/a", "+/+", "u1/#", "u/x/#", "c1/#", "$x/#", "$SYS/#", "b");
const patternRule = fc.constantFrom("%u/#", "%c/#", "a/%u", "%u/a", "%c", "a/#", "#", "+/a", "$x/%u", "%u/%c");
const line = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...USERS, "other").map((u) => `user ${u}`) },
  { weight: 3, arbitrary: fc.tuple(access, topicRule).map(([a, t]) => `topic ${a}${t}`) },
  { weight: 2, arbitrary: fc.tuple(access, patternRule).map(([a, t]) => `pattern ${a}${t}`) },
);
const names = ["a", "a/b", "b", "u1/a", "u/x/a", "c1/a", "c/2/a", "$x/a", "$x/u1", "a/u1"];
const aclCase = fc.record({
  lines: fc.array(line, { maxLength: 8 }),
  username: fc.constantFrom(...USERS),
  clientId: fc.constantFrom("c1", "c/2", "c+"),
  action: fc.constantFrom<TAction>("publish", "receive", "subscribe"),
}).chain((c) => (c.action === "subscribe" ? topicRule : c.action === "receive" ? fc.constantFrom(...names) : fc.constantFrom(...names, "$SYS/a")).map((topic) => ({ ...c, topic })));

type TCase = (typeof aclCase extends fc.Arbitrary<infer T> ? T : never) & { id: string };

/** The case's file plus what the harness needs: a publisher that may publish anything, and a readable sentinel. */
function aclText(c: TCase): string {
  return [...c.lines, "user fw-publisher", "topic write #", "topic write $x/#", `topic write $fw/${c.id}/#`, `user ${c.username}`, `topic read $fw/${c.id}/s`, ""].join("\n");
}

/** Until the case's own sentinel topic is writable: the broker has read the case's file. A loaded machine may take seconds. */
async function waitForReload(publisher: MqttClient, id: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await publishAllowed(publisher, `$fw/${id}/ready`)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the broker did not reload its acl_file within 30 s");
}

async function observe(broker: TAclFileBroker, publisher: MqttClient, c: TCase): Promise<boolean> {
  const client = await broker.connect(c.username, PASSWORD, c.clientId);
  try {
    if (c.action === "publish") return await publishAllowed(client, c.topic);
    if (c.action === "subscribe") return await client.subscribeAsync(c.topic, { qos: 0 }).then(() => true, () => false);
    return await delivered(client, publisher, c.topic, `$fw/${c.id}/s`);
  } finally {
    await client.endAsync(true);
  }
}

describe("acl_file simulator vs Mosquitto's acl_file", () => {
  it(`agrees on every decision of ${CASES} random files (seed ${SEED})`, async () => {
    const cases: TCase[] = fc.sample(aclCase, { numRuns: CASES, seed: SEED }).map((c, i) => ({ ...c, id: `f${i}` }));
    const broker = await startAclFileBroker(Object.fromEntries([...USERS, "fw-publisher"].map((u) => [u, PASSWORD])));
    const publisher = await broker.connect("fw-publisher", PASSWORD, "fw-publisher");
    const disagreements: unknown[] = [];
    try {
      for (const c of cases) {
        const text = aclText(c);
        broker.setAcl(text);
        await waitForReload(publisher, c.id);
        const actual = await observe(broker, publisher, c);
        const predicted = decideAclFile(parseAclFile(text), { username: c.username, clientId: c.clientId }, c.action, c.topic);
        if (predicted.allowed !== actual) disagreements.push({ broker: actual ? "allowed" : "denied", simulator: predicted, client: { username: c.username, clientId: c.clientId }, action: c.action, topic: c.topic, acl: text });
      }
    } finally {
      await publisher.endAsync(true);
      await broker.stop();
    }
    expect(disagreements, `seed ${SEED}: ${JSON.stringify(disagreements.slice(0, 3), null, 1)}`).toEqual([]);
  }, 300_000);
});
