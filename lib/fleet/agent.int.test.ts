import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOPICS, sealApply, signCommand, type TAgentReply } from "@/lib/domain/agent-command";
import { joinLines, linePatch, sha256, type TLinePatch } from "@/lib/domain/broker-files";
import { disconnectDb } from "@/lib/server/db";
import { signAgentCommand } from "@/lib/server/services/fleet/sign-agent-command";
import { connectAdmin } from "./admin-channel";
import { startTestFleet, type TTestFleet } from "./testing/test-fleet";

let fleet: TTestFleet;
let admin: MqttClient;
const replies: TAgentReply[] = [];

beforeAll(async () => {
  fleet = startTestFleet(1);
  const b = fleet.brokers[0]!;
  const file = (f: string) => readFileSync(path.join(fleet.dir, "admin", f), "utf8");
  admin = await connectAdmin({ name: b.name, host: "127.0.0.1", adminPort: b.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
  admin.on("message", (_t, p) => replies.push(JSON.parse(p.toString()) as TAgentReply));
  await admin.subscribeAsync(AGENT_TOPICS.reply(b.name));
}, 120_000);

afterAll(async () => {
  await admin?.endAsync();
  await fleet?.stop();
  await disconnectDb();
}, 60_000);

async function send(payload: unknown, id: string): Promise<TAgentReply> {
  admin.publish(AGENT_TOPICS.command(fleet.brokers[0]!.name), typeof payload === "string" ? payload : JSON.stringify(payload));
  const deadline = Date.now() + 30_000; // the reply is the event; a loaded machine may take seconds
  while (Date.now() < deadline) {
    const r = replies.find((x) => x.id === id);
    if (r) return r;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no reply to ${id}`);
}

describe("the agent refuses bad commands and logs them", () => {
  const broker = () => fleet.brokers[0]!.name;
  const agentLog = () => readFileSync(path.join(fleet.brokers[0]!.dir, "agent.log"), "utf8");

  it("runs a signed command once, and refuses the same command replayed", async () => {
    const signed = await signAgentCommand(broker(), { type: "ping" });
    expect((await send(signed, signed.cmd.id)).ok).toBe(true);
    replies.length = 0;
    const again = await send(signed, signed.cmd.id);
    expect(again).toMatchObject({ ok: false, error: expect.stringContaining("replayed") });
  });

  it("refuses unsigned commands and commands signed by another key", async () => {
    const id = randomUUID();
    expect(await send({ cmd: { id, seq: "999999999", issuedAt: Date.now(), broker: broker(), type: "ping" } }, id)).toMatchObject({ ok: false, error: "refused: not a signed command" });
    replies.length = 0;
    const { privateKey } = generateKeyPairSync("ed25519");
    const forged = signCommand({ id, seq: "999999999", issuedAt: Date.now(), broker: broker(), type: "ping" }, privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(await send(forged, id)).toMatchObject({ ok: false, error: "refused: bad signature" });
  });

  it("refuses a signed command that would write outside its folder, and writes nothing", async () => {
    const signed = await signAgentCommand(broker(), { type: "apply", revision: "999", files: { "../../../tmp/owned": "x" } as never });
    expect(await send(signed, signed.cmd.id)).toMatchObject({ ok: false, error: expect.stringContaining("is not one the agent manages") });
    expect(() => readFileSync("/tmp/owned")).toThrow();
  });

  it("patches passwd by lines, skips a patch made for another file, and refuses patches of other files", async () => {
    const managed = (f: string) => readFileSync(path.join(fleet.brokers[0]!.dir, "managed", f), "utf8");
    const before = managed("passwd");
    const next = joinLines([...before.split("\n").filter(Boolean), "patched-device:$7$101$c2FsdA==$aGFzaA=="]);
    // A patch of passwd holds hashes: it travels sealed to the agent's certificate, and is refused in the clear.
    const agentCert = readFileSync(path.join(fleet.brokers[0]!.dir, "pki/agent.crt"), "utf8");
    const sealed = (p: TLinePatch) => sealApply({ files: {}, patches: { passwd: p } }, agentCert);
    const plain = await signAgentCommand(broker(), { type: "apply", revision: "999", files: {}, patches: { passwd: linePatch(before, next) } });
    expect(await send(plain, plain.cmd.id)).toMatchObject({ ok: false, error: "refused: a patch of passwd holds secrets and must come encrypted to this agent" });
    const ok = await signAgentCommand(broker(), { type: "apply", revision: "1000", ...sealed(linePatch(before, next)) });
    expect(await send(ok, ok.cmd.id)).toMatchObject({ ok: true, digests: { passwd: sha256(next) } });
    expect(managed("passwd")).toBe(next);
    const stale = await signAgentCommand(broker(), { type: "apply", revision: "1001", ...sealed(linePatch(before, joinLines(["other:x"]))) });
    expect(await send(stale, stale.cmd.id)).toMatchObject({ ok: true, digests: { passwd: sha256(next) } });
    expect(agentLog()).toContain("a patch did not fit the file on disk");
    const acl = await signAgentCommand(broker(), { type: "apply", revision: "1002", files: {}, patches: { acl: linePatch("", "topic #\n") } as never });
    expect(await send(acl, acl.cmd.id)).toMatchObject({ ok: false, error: 'refused: file "acl" cannot be patched' });
  });

  it("refuses garbage and commands for another broker", async () => {
    const other = await signAgentCommand("some-other-broker", { type: "ping" });
    expect(await send(other, other.cmd.id)).toMatchObject({ ok: false, error: expect.stringContaining("addressed to broker") });
    replies.length = 0;
    expect(await send("{not json", "unknown")).toMatchObject({ ok: false, error: "refused: not a signed command" });
    const refusals = agentLog().split("\n").filter((l) => l.includes('"msg":"refused a command"'));
    expect(refusals.length).toBeGreaterThanOrEqual(6);
  });
});

describe("the agent reports its broker's conf", () => {
  it("names every listener with its TLS and the connection logging, read from mosquitto.conf", async () => {
    const b = fleet.brokers[0]!;
    const heartbeat = new Promise<{ conf: { listeners: { port: number; tls: boolean; tlsVersion: string | null }[]; connectionMessages: boolean; logTypes: string[] } }>((resolve) => {
      admin.on("message", (t, p) => t === AGENT_TOPICS.heartbeat(b.name) && resolve(JSON.parse(p.toString())));
    });
    await admin.subscribeAsync(AGENT_TOPICS.heartbeat(b.name));
    const { conf } = await heartbeat;
    expect(conf.listeners.map((l) => l.port).sort()).toEqual(Object.values(b.ports).sort());
    expect(conf.listeners.every((l) => l.tls)).toBe(true);
    expect(conf.connectionMessages).toBe(true);
    expect(conf.logTypes).toContain("notice");
  });
});
