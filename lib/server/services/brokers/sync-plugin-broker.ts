import "server-only";
import type { TDefaultAccess, TRole } from "@/lib/domain/acl/dynsec";
import type { TAgentReply, TPluginBatch } from "@/lib/domain/agent-command";
import type { TFileDigests } from "@/lib/domain/broker-files";
import { certificateKey } from "@/lib/domain/certificate-key";
import { defaultsOp, deletedDeviceOp, deletedGroupOp, deletedRoleOp, deviceOps, groupOp, mergeChanges, probeOp, roleOp, type TChangeSet, type TPluginOp } from "@/lib/domain/plugin-ops";
import type { TBrokerDriver } from "@/lib/fleet/broker-driver";
import type { Broker } from "@/lib/generated/prisma/client";
import { db, type TTx } from "../../db";
import { loadDeviceAccess, NO_ACCESS } from "../acl/fleet-acl";
import { probePskKey } from "../fleet/fleet-keys";
import { pskKeyHex, renderCaFiles } from "../fleet/render-desired-state";

// A broker that enforces with Fleetward's plugin is sent what changed, never a whole rendering: the ops the revisions
// since its last one imply (each revision's FleetChange), in one batch. It is sent its whole state instead, in parts
// the plugin swaps in with the last, when it holds nothing yet, missed a revision no record describes, a change said
// "all", or it holds another state than it reported last (its folder wiped or restored). The files it still reads
// from disk (device CAs, CRLs) go as before, when they changed.

/** Ops per part of a full state: each part is one command of a few MB. */
const PART = 50_000;

/** `expected`: the digests of the files the broker must hold; `digests`: what it holds now. */
export type TPluginSync = { full: boolean; ops: number; reply: TAgentReply; digests: Partial<TFileDigests>; expected: Partial<TFileDigests> };

type TReader = Pick<TTx, "device" | "certificate" | "aclRole" | "aclGroup" | "fleetState" | "deviceRole" | "deviceGroup">;

const roleOf = (r: { name: string; acls: unknown }): TRole => ({ rolename: r.name, acls: r.acls as TRole["acls"] });
const groupOf = (g: { name: string; roles: { priority: number; role: { name: string } }[] }) => ({ groupname: g.name, roles: g.roles.map((r) => ({ rolename: r.role.name, priority: r.priority })) });
const GROUP_SELECT = { name: true, roles: { select: { priority: true, role: { select: { name: true } } } } } as const;

/** The plugin ops of these devices (all of them when `clientIds` is null), their revoked certificates included. */
async function devicesOps(tx: TReader, clientIds: readonly string[] | null): Promise<{ ops: TPluginOp[]; roles: Set<string>; groups: Set<string> }> {
  const devices = await tx.device.findMany({
    where: clientIds ? { clientId: { in: [...clientIds] } } : {},
    select: { id: true, clientId: true, authType: true, disabled: true, passwordHash: true, pskKeySealed: true, certificates: { where: { revokedAt: { not: null } }, select: { pem: true } } },
  });
  const access = await loadDeviceAccess(tx, clientIds ? devices.map((d) => d.id) : undefined);
  const roles = new Set<string>();
  const groups = new Set<string>();
  const ops = devices.flatMap((d) => {
    const a = access.get(d.id) ?? NO_ACCESS;
    for (const r of a.roles) roles.add(r.rolename);
    for (const g of a.groups) groups.add(g.groupname);
    return deviceOps({
      clientId: d.clientId,
      authType: d.authType,
      disabled: d.disabled,
      passwordHash: d.passwordHash,
      pskKeyHex: d.pskKeySealed ? pskKeyHex(d.id, d.pskKeySealed) : null,
      roles: a.roles,
      groups: a.groups,
      revokedKeys: d.certificates.map((c) => certificateKey(c.pem)),
    });
  });
  // A device deleted since: nothing is left of it but its name in the change.
  const present = new Set(devices.map((d) => d.clientId));
  for (const id of clientIds ?? []) if (!present.has(id)) ops.push(deletedDeviceOp(id));
  return { ops, roles, groups };
}

/** Ops for these roles and groups (deleted ones removed), with the roles of those groups. */
async function aclOps(tx: TReader, roleNames: Set<string>, groupNames: Set<string>): Promise<TPluginOp[]> {
  const groups = await tx.aclGroup.findMany({ where: { name: { in: [...groupNames] } }, select: GROUP_SELECT });
  for (const g of groups) for (const r of g.roles) roleNames.add(r.role.name);
  const roles = await tx.aclRole.findMany({ where: { name: { in: [...roleNames] } }, select: { name: true, acls: true } });
  const foundRoles = new Set(roles.map((r) => r.name));
  const foundGroups = new Set(groups.map((g) => g.name));
  return [
    ...roles.map((r) => roleOp(roleOf(r))),
    ...[...roleNames].filter((n) => !foundRoles.has(n)).map(deletedRoleOp),
    ...groups.map((g) => groupOp(groupOf(g))),
    ...[...groupNames].filter((n) => !foundGroups.has(n)).map(deletedGroupOp),
  ];
}

async function defaults(tx: TReader): Promise<TPluginOp> {
  const s = await tx.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { aclDefaults: true } });
  return defaultsOp(s.aclDefaults as TDefaultAccess);
}

/** What the changes imply, read from one snapshot. */
function deltaOps(set: TChangeSet): Promise<TPluginOp[]> {
  return db.$transaction(
    async (tx) => {
      const devices = await devicesOps(tx, [...set.devices]);
      const ops = [...(await aclOps(tx, new Set([...set.roles, ...devices.roles]), new Set([...set.groups, ...devices.groups]))), ...devices.ops];
      return set.defaults ? [await defaults(tx), ...ops] : ops;
    },
    { isolationLevel: "RepeatableRead" },
  );
}

/** The whole state the plugin must hold, read from one snapshot. */
function fullOps(probeKey: string): Promise<TPluginOp[]> {
  return db.$transaction(
    async (tx) => {
      const roles = await tx.aclRole.findMany({ select: { name: true, acls: true } });
      const groups = await tx.aclGroup.findMany({ select: GROUP_SELECT });
      const devices = await devicesOps(tx, null);
      return [await defaults(tx), probeOp(probeKey), ...roles.map((r) => roleOp(roleOf(r))), ...groups.map((g) => groupOp(groupOf(g))), ...devices.ops];
    },
    { isolationLevel: "RepeatableRead", timeout: 120_000 },
  );
}

/** The parts of a full state, as a staged resync. */
function staged(revision: bigint, ops: TPluginOp[]): TPluginBatch[] {
  const parts = Math.max(1, Math.ceil(ops.length / PART));
  const id = `${revision}-${Date.now().toString(36)}`;
  return Array.from({ length: parts }, (_, i) => ({ revision: Number(revision), stage: { id, part: i + 1, parts }, ops: ops.slice(i * PART, (i + 1) * PART) }));
}

/** Whether what the plugin holds is what it reported last, at the revision it last applied. */
async function holdsWhatItReported(broker: Broker, driver: TBrokerDriver): Promise<boolean> {
  if (!broker.pluginDigest) return false;
  const now = (await driver.plugin([{ revision: Number(broker.appliedRevision), ops: [] }])).plugin;
  return now?.digest === broker.pluginDigest && now?.state === Number(broker.appliedRevision);
}

export async function syncPluginBroker(broker: Broker, revision: bigint, force: boolean, driver: TBrokerDriver): Promise<TPluginSync> {
  const { files, digests: expected } = await renderCaFiles();
  const held = (broker.actualDigests ?? {}) as Partial<TFileDigests>;
  const changedFiles = (["cas.pem", "crl.pem"] as const).filter((f) => held[f] !== expected[f]);
  let digests: Partial<TFileDigests> = held;
  if (changedFiles.length) digests = (await driver.apply(revision, Object.fromEntries(changedFiles.map((f) => [f, files[f]])))).digests ?? {};

  const rows = await db.fleetChange.findMany({ where: { revision: { gt: broker.appliedRevision, lte: revision } }, select: { changes: true } });
  const set = rows.length === Number(revision - broker.appliedRevision) ? mergeChanges(rows.map((r) => r.changes)) : null;
  // A periodic reconcile (force) checks that the plugin still holds what it said; a delta builds on that.
  // A broker never synced has reported nothing (no digest): it gets its whole state.
  const trusted = broker.pluginDigest !== null && (!force || (await holdsWhatItReported(broker, driver)));
  if (set && !set.all && trusted) {
    const ops = await deltaOps(set);
    const reply = await driver.plugin([{ revision: Number(revision), ops }]);
    return { full: false, ops: ops.length, reply, digests, expected };
  }
  const ops = await fullOps(await probePskKey());
  const reply = await driver.plugin(staged(revision, ops));
  return { full: true, ops: ops.length, reply, digests, expected };
}
