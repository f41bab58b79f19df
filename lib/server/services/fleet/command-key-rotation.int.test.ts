import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mosquittoDriver } from "@/lib/fleet/mosquitto-driver";
import { fleetSuite } from "@/lib/fleet/testing/fleet-suite";
import { eventually } from "@/lib/fleet/testing/test-fleet";
import type { TLocalBroker } from "@/lib/fleet/local-fleet";
import { db } from "@/lib/server/db";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { endpointOf } from "../brokers/broker-driver-for";
import { createDevice } from "../devices/create-device";
import { activateCommandKey } from "./activate-command-key";
import { commandSigningKey, keyFingerprint } from "./fleet-keys";
import { signAgentCommand } from "./sign-agent-command";
import { stageCommandKey } from "./stage-command-key";

const suite = fleetSuite(2);
const actor = testActor();
const keyFile = (b: TLocalBroker) => path.join(b.dir, "pki/fleetward-command.pub");

describe("rotating the agents' command key", () => {
  it("signs with a staged key only once every agent runs commands signed with it; the old key is then refused", async () => {
    const [b0, b1] = suite.fleet.brokers as [TLocalBroker, TLocalBroker];
    const before = await commandSigningKey();
    const staged = await stageCommandKey({ actor });
    expect(staged.created).toBe(true);
    expect(await stageCommandKey({ actor })).toMatchObject({ publicPem: staged.publicPem, created: false });

    // No agent holds it yet: refused, naming every broker and why; the key in use is unchanged.
    await expect(activateCommandKey({ actor })).rejects.toThrow(/2 of 2 broker\(s\) do not run commands signed with the staged key.*bad signature/);
    appendFileSync(keyFile(b0), staged.publicPem);
    const refused = await activateCommandKey({ actor }).then(() => "", (e: Error) => e.message);
    expect(refused).toMatch(/^1 of 2 broker/);
    expect(refused).toContain(b1.name);
    expect(refused).not.toContain(`${b0.name} (`);
    expect((await commandSigningKey()).publicPem).toBe(before.publicPem);

    appendFileSync(keyFile(b1), staged.publicPem);
    expect(await activateCommandKey({ actor })).toEqual({ fingerprint: staged.fingerprint, previous: keyFingerprint(before.publicPem), brokers: 2 });
    expect((await commandSigningKey()).publicPem).toBe(staged.publicPem);

    // The old key leaves the agents' files: changes still reach every broker, and a command signed with it is refused.
    for (const b of [b0, b1]) writeFileSync(keyFile(b), staged.publicPem);
    await createDevice({ actor, input: { clientId: `rot-${unique()}`, tags: [], auth: { type: "password" } } });
    const { revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
    await eventually(async () => (await db.broker.findMany({ where: { name: { in: [b0.name, b1.name] } } })).every((r) => r.appliedRevision >= revision), "both brokers to apply", 60_000);
    const row = await db.broker.findUniqueOrThrow({ where: { name: b0.name } });
    await expect(mosquittoDriver(endpointOf(row), (n, c) => signAgentCommand(n, c, before.privatePem)).probe()).rejects.toThrow(/bad signature/);

    const actions = (await db.auditEvent.findMany({ where: { action: { startsWith: "fleet.command_key_" } }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["fleet.command_key_stage", "fleet.command_key_activate_refused", "fleet.command_key_activate_refused", "fleet.command_key_activate"]);
    await expect(activateCommandKey({ actor })).rejects.toThrow(/No command key is staged/);
  }, 120_000);
});
