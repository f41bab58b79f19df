import "server-only";
import { applyAclChange, knownNames, unknownReferences, type TAclChange } from "@/lib/domain/acl/fleet-change";
import { lintFleet } from "@/lib/domain/acl/fleet-lint";
import { aclLinesCompiler, type TDeviceAccess } from "@/lib/domain/acl/fleet-policy";
import type { TAclPreviewInput, TAclPreviewResult } from "@/lib/schemas/acl";
import { db } from "../../db";
import { AppError, notFound } from "../../errors";
import { driverFor } from "../brokers/broker-driver-for";
import { unprocessable } from "./acl-changes";
import { loadDeviceAccess, loadFleetAcl, NO_ACCESS } from "./fleet-acl";

const SHOWN = 200;

/** Field errors for a change that refers to roles, groups or devices the fleet does not hold. */
function check(input: TAclPreviewInput, fleet: Awaited<ReturnType<typeof loadFleetAcl>>, deviceIds: Set<string>) {
  const hasRole = (n: string) => fleet.roles.some((r) => r.rolename === n);
  const hasGroup = (n: string) => fleet.groups.some((g) => g.groupname === n);
  switch (input.kind) {
    case "role":
      if (input.previousName !== undefined && !hasRole(input.previousName)) throw notFound(`Role ${input.previousName}`);
      if (input.role.name !== input.previousName && hasRole(input.role.name)) throw new AppError("CONFLICT", `A role named ${input.role.name} already exists.`, { "role.name": "is already in use" });
      return {};
    case "deleteRole":
      if (!hasRole(input.name)) throw notFound(`Role ${input.name}`);
      return {};
    case "group":
      if (input.previousName !== undefined && !hasGroup(input.previousName)) throw notFound(`Group ${input.previousName}`);
      if (input.group.name !== input.previousName && hasGroup(input.group.name)) throw new AppError("CONFLICT", `A group named ${input.group.name} already exists.`, { "group.name": "is already in use" });
      return unknownReferences(knownNames(fleet), { roles: input.group.roles }, "group.");
    case "deleteGroup":
      if (!hasGroup(input.name)) throw notFound(`Group ${input.name}`);
      return {};
    case "defaults":
      return {};
    case "device":
      if (!deviceIds.has(input.deviceId)) throw notFound("Device");
      return unknownReferences(knownNames(fleet), input.access, "access.");
  }
}

const toChange = (input: TAclPreviewInput): TAclChange => {
  switch (input.kind) {
    case "role":
      return { kind: "role", role: { name: input.role.name, acls: input.role.acls }, ...(input.previousName ? { previousName: input.previousName } : {}) };
    case "group":
      return { kind: "group", group: { name: input.group.name, roles: input.group.roles }, ...(input.previousName ? { previousName: input.previousName } : {}) };
    default:
      return input;
  }
};

const key = (f: { code: string; message: string }) => `${f.code}\u0000${f.message}`;

/**
 * What a change to roles, groups, the default access or a device's roles would do before it is saved: every
 * device whose acl_file lines change (lines removed and added, the same on every broker), how many of those are
 * connected on each broker now, and the findings the change brings. Nothing is written.
 */
export async function previewAclChange(input: TAclPreviewInput): Promise<TAclPreviewResult> {
  const { fleet, access, devices, brokers } = await db.$transaction(
    async (tx) => ({
      fleet: await loadFleetAcl(tx),
      access: await loadDeviceAccess(tx),
      devices: await tx.device.findMany({ select: { id: true, clientId: true, disabled: true }, orderBy: { clientId: "asc" } }),
      brokers: await tx.broker.findMany({ orderBy: { name: "asc" } }),
    }),
    { isolationLevel: "RepeatableRead" },
  );
  const connected = Promise.all(brokers.map((b) => driverFor(b).connectedClientIds().catch(() => null)));
  const errors = check(input, fleet, new Set(devices.map((d) => d.id)));
  // A disabled device may do nothing whatever its roles say: its lines change when it is enabled again.
  const enabled = devices.filter((d) => !d.disabled);
  if (Object.keys(errors).length) throw unprocessable(errors);
  const next = applyAclChange({ fleet, access }, toChange(input));
  const before = aclLinesCompiler(fleet);
  const after = aclLinesCompiler(next.fleet);
  const changed = enabled.flatMap((d) => {
    const was = before(access.get(d.id) ?? NO_ACCESS, d.clientId);
    const will = after((next.access.get(d.id) as TDeviceAccess | undefined) ?? NO_ACCESS, d.clientId);
    const removed = was.filter((l) => !will.includes(l));
    const added = will.filter((l) => !was.includes(l));
    return removed.length || added.length ? [{ deviceId: d.id, clientId: d.clientId, removed, added }] : [];
  });
  const now = await connected;
  const online = now.map((ids) => (ids ? new Set(ids) : null));
  const known = new Set(lintFleet({ fleet, access }, enabled).map(key));
  return {
    devicesChanged: changed.length,
    devices: changed.slice(0, SHOWN).map((d) => ({ ...d, connectedOn: brokers.filter((_, i) => online[i]?.has(d.clientId)).map((b) => b.name) })),
    brokers: brokers.map((b, i) => ({
      brokerId: b.id,
      name: b.name,
      devicesChanged: changed.length,
      connectedAffected: online[i] ? changed.filter((d) => online[i]!.has(d.clientId)).length : null,
      sessionsToDisconnect: 0,
    })),
    sessionsToDisconnect: 0,
    findings: lintFleet(next, enabled).filter((f) => !known.has(key(f))),
  };
}
