// Random command batches against the plugin in a real broker (its sanitizer build). fast-check makes sequences of
// valid ops (clients, roles, groups, defaults, revocations, kicks over a few names, so they overlap) and corrupts some
// batches (a bad field, a reserved name, a control character, a wrong type, garbage or bytes that are not UTF-8).
// A valid batch is applied and the plugin's digest equals the one Fleetward computes from the same ops; a corrupted
// one is refused and changes nothing; the broker never crashes and the sanitizers report nothing.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDefaultAccess } from "@/lib/domain/acl/dynsec";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { pluginStateDigest, type TPluginClient, type TPluginGroup, type TPluginRole } from "@/lib/domain/plugin-state";
import { startPluginBroker, type TPluginBroker } from "./testing/plugin-broker";

const RUNS = Number(process.env.FLEETWARD_PLUGIN_CASES ?? 150);
const SEED = Number(process.env.FLEETWARD_PLUGIN_SEED ?? Date.now() % 2_147_483_647);

let broker: TPluginBroker;
let hashes: string[];
beforeAll(async () => {
  broker = await startPluginBroker();
  hashes = await Promise.all(["one", "two"].map((p) => mosquittoPasswordHash(p)));
}, 60_000);
afterAll(async () => expect(await broker.stop(), "sanitizer reports about the plugin").toEqual([]), 30_000);

const NAMES = ["d1", "d2", "ünï", "x.y-z"];
const ROLES = ["r1", "r2", "rôle"];
const GROUPS = ["g1", "g2"];
const KEYS = ["a".repeat(64) + ":1", "b".repeat(64) + ":ff00"];
const ACLTYPES = ["publishClientSend", "publishClientReceive", "subscribeLiteral", "subscribePattern", "unsubscribeLiteral", "unsubscribePattern"] as const;
const TOPICS = ["a", "a/#", "+/b", "#", "devices/${clientId}/#", "x/${username}/+", "$SYS/#", "é/ü"];

const priority = fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined });
const roleRefs = fc.uniqueArray(fc.record({ rolename: fc.constantFrom(...ROLES), priority }, { requiredKeys: ["rolename"] }), { maxLength: 3, selector: (r) => r.rolename });
const groupRefs = fc.uniqueArray(fc.record({ groupname: fc.constantFrom(...GROUPS), priority }, { requiredKeys: ["groupname"] }), { maxLength: 3, selector: (r) => r.groupname });

const op = () =>
  fc.oneof(
    fc.record({ op: fc.constant("upsertClient"), username: fc.constantFrom(...NAMES), credential: fc.constantFrom("password", "psk", "cert"), secretPick: fc.nat(1), disabled: fc.option(fc.boolean(), { nil: undefined }), roles: roleRefs, groups: groupRefs }).map(({ secretPick, ...c }) => ({
      ...c,
      clientid: c.username,
      ...(c.credential === "cert" ? {} : { secret: c.credential === "password" ? hashes[secretPick]! : ["0a1b", "ff".repeat(32)][secretPick]! }),
    })),
    fc.record({ op: fc.constant("deleteClient"), username: fc.constantFrom(...NAMES) }),
    fc.record({ op: fc.constant("upsertRole"), rolename: fc.constantFrom(...ROLES), acls: fc.array(fc.record({ acltype: fc.constantFrom(...ACLTYPES), topic: fc.constantFrom(...TOPICS), priority, allow: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ["acltype", "topic"] }), { maxLength: 5 }) }),
    fc.record({ op: fc.constant("deleteRole"), rolename: fc.constantFrom(...ROLES) }),
    fc.record({ op: fc.constant("upsertGroup"), groupname: fc.constantFrom(...GROUPS), roles: roleRefs }),
    fc.record({ op: fc.constant("deleteGroup"), groupname: fc.constantFrom(...GROUPS) }),
    fc.record({ op: fc.constant("setDefaults"), publishClientSend: fc.boolean(), publishClientReceive: fc.boolean(), subscribe: fc.boolean(), unsubscribe: fc.boolean() }),
    fc.record({ op: fc.constantFrom("revoke", "unrevoke"), key: fc.constantFrom(...KEYS) }),
    fc.record({ op: fc.constant("kick"), clientid: fc.constantFrom(...NAMES) }),
  );

type TOp = Record<string, unknown> & { op: string };

// Ways to spoil one op of a batch; each must make the plugin refuse the whole batch.
const spoil = fc.oneof(
  fc.constant((o: TOp) => ({ ...o, op: "dropEverything" })),
  fc.constant((o: TOp) => ({ ...o, surplus: 1 })),
  fc.constant(() => ({ op: "upsertClient", username: "fleetward-agent-x", clientid: "fleetward-agent-x", credential: "cert" })),
  fc.constant(() => ({ op: "upsertClient", username: "d1\n", clientid: "d1", credential: "cert" })),
  fc.constant(() => ({ op: "upsertClient", username: "d1", clientid: "d1", credential: "password", secret: "plain-text" })),
  fc.constant(() => ({ op: "upsertRole", rolename: "r1", acls: [{ acltype: "publishClientSend", topic: "a/#/b" }] })),
  fc.constant(() => ({ op: "upsertRole", rolename: "r1", acls: [{ acltype: "subscribePattern", topic: "a", priority: 1.5 }] })),
  fc.constant(() => ({ op: "upsertGroup", groupname: "g1", roles: [{ rolename: "r1" }, { rolename: "r1" }] })),
  fc.constant(() => ({ op: "revoke", key: "not-a-key" })),
  fc.constant(() => ({ op: "setDefaults", subscribe: "yes" })),
  fc.constant(() => 42),
);
const garbage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constant("[".repeat(5000)),
  fc.constant(`{"revision":1,"ops":[${"{},".repeat(50)}{}]}`),
);

const batchCase = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("valid" as const), ops: fc.array(op(), { minLength: 1, maxLength: 8 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("spoiled" as const), ops: fc.array(op(), { minLength: 1, maxLength: 6 }), at: fc.nat(), spoil }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("garbage" as const), payload: garbage }) },
);

describe("the broker plugin under random command batches", () => {
  it(`applies ${RUNS} random batches as Fleetward computes them, refuses the spoiled ones whole (seed ${SEED})`, async () => {
    const clients = new Map<string, TPluginClient>();
    const roles = new Map<string, TPluginRole>();
    const groups = new Map<string, TPluginGroup>();
    const revoked = new Set<string>();
    let defaults: TDefaultAccess = { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false };
    const expected = () => pluginStateDigest({ clients: [...clients.values()], roles: [...roles.values()], groups: [...groups.values()], revoked: [...revoked], defaults });
    let revision = 0;
    const cases = fc.sample(batchCase, { numRuns: RUNS, seed: SEED });
    for (const [i, c] of cases.entries()) {
      if (c.kind === "valid") {
        const r = await broker.command({ revision: ++revision, ops: c.ops });
        expect(r, `case ${i}: ${JSON.stringify(c.ops)}`).toMatchObject({ ok: true, applied: c.ops.length, state: revision });
        for (const o of c.ops as TOp[]) {
          const { op: kind, ...body } = o;
          if (kind === "upsertClient") clients.set(o.username as string, body as TPluginClient);
          else if (kind === "deleteClient") clients.delete(o.username as string);
          else if (kind === "upsertRole") roles.set(o.rolename as string, body as TPluginRole);
          else if (kind === "deleteRole") roles.delete(o.rolename as string);
          else if (kind === "upsertGroup") groups.set(o.groupname as string, body as TPluginGroup);
          else if (kind === "deleteGroup") groups.delete(o.groupname as string);
          else if (kind === "setDefaults") defaults = body as TDefaultAccess;
          else if (kind === "revoke") revoked.add(o.key as string);
          else if (kind === "unrevoke") revoked.delete(o.key as string);
        }
        expect(r.digest, `case ${i}: the digest Fleetward computes`).toBe(expected());
        expect(r.clients).toBe(clients.size);
      } else {
        const before = expected();
        let payload: unknown;
        if (c.kind === "garbage") payload = c.payload;
        else {
          const ops: unknown[] = [...c.ops];
          const at = c.at % ops.length;
          ops[at] = c.spoil(ops[at] as TOp);
          payload = { revision: revision + 1, ops };
        }
        const r = await broker.command(payload);
        expect(r.ok, `case ${i}: ${String(Buffer.isBuffer(payload) ? payload.toString("hex") : JSON.stringify(payload)).slice(0, 300)}`).toBe(false);
        expect(r.error).toBeTruthy();
        expect(r.digest, `case ${i}: a refused batch changes nothing`).toBe(before);
        expect(r.state).toBe(revision);
      }
    }
    // What it applied survives a restart (replayed from its journal), and the same state sent whole as a staged
    // resync replaces it with an equal one, kept as a snapshot.
    await broker.restart();
    expect((await broker.command({ revision, ops: [] })).digest, "after a restart: replayed from the journal").toBe(expected());
    const all = [
      { op: "setDefaults", ...defaults },
      ...[...roles.values()].map((r) => ({ op: "upsertRole", ...r })),
      ...[...groups.values()].map((g) => ({ op: "upsertGroup", ...g })),
      ...[...clients.values()].map((c) => ({ op: "upsertClient", ...c })),
      ...[...revoked].map((key) => ({ op: "revoke", key })),
    ];
    const half = Math.ceil(all.length / 2);
    const stage = { id: `whole-${SEED}`, parts: 2 };
    await broker.command({ revision: ++revision, stage: { ...stage, part: 1 }, ops: all.slice(0, half) });
    expect((await broker.command({ revision, stage: { ...stage, part: 2 }, ops: all.slice(half) })).digest, "the same state sent whole").toBe(expected());
    await broker.restart();
    expect((await broker.command({ revision, ops: [] })).digest, "after a restart: loaded from the snapshot").toBe(expected());
  }, 240_000);
});
