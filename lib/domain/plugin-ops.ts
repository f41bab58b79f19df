// What Fleetward sends a broker that enforces with its plugin: the ops that make the plugin hold the desired state
// (broker-plugin/src/commands.c), and what each revision changed, so that a broker is sent only those. Pure.
import type { TDefaultAccess, TGroupRef, TRole, TRoleRef } from "./acl/dynsec";
import { PROBE_PSK_IDENTITY } from "./broker-files";

/**
 * What one revision changed, recorded beside it (FleetChange). A change no one described is "all": the broker gets
 * the whole state, which is always correct. "files": only the files the broker reads from disk (device CAs, CRLs);
 * "live": live views' credentials and kicks, which travel apart.
 */
export type TFleetChange =
  | { kind: "all" }
  | { kind: "device"; clientId: string }
  | { kind: "role"; name: string }
  | { kind: "group"; name: string }
  | { kind: "defaults" }
  | { kind: "files" }
  | { kind: "live" };

export type TChangeSet = { all: boolean; devices: Set<string>; roles: Set<string>; groups: Set<string>; defaults: boolean };

const isChange = (c: unknown): c is TFleetChange => {
  const x = c as { kind?: unknown; clientId?: unknown; name?: unknown } | null;
  if (!x || typeof x !== "object") return false;
  if (x.kind === "device") return typeof x.clientId === "string";
  if (x.kind === "role" || x.kind === "group") return typeof x.name === "string";
  return x.kind === "all" || x.kind === "defaults" || x.kind === "files" || x.kind === "live";
};

/** The changes of several revisions together; anything unreadable counts as "all". */
export function mergeChanges(recorded: readonly unknown[]): TChangeSet {
  const set: TChangeSet = { all: false, devices: new Set(), roles: new Set(), groups: new Set(), defaults: false };
  for (const list of recorded) {
    for (const c of Array.isArray(list) ? list : [null]) {
      if (!isChange(c) || c.kind === "all") set.all = true;
      else if (c.kind === "device") set.devices.add(c.clientId);
      else if (c.kind === "role") set.roles.add(c.name);
      else if (c.kind === "group") set.groups.add(c.name);
      else if (c.kind === "defaults") set.defaults = true;
    }
  }
  return set;
}

export type TPluginOp = Record<string, unknown> & { op: string };

/** A device as the plugin needs it; `revokedKeys`: its revoked certificates (certificate-key.ts). */
export type TPluginDevice = {
  clientId: string;
  authType: "PASSWORD" | "PSK" | "X509";
  disabled: boolean;
  passwordHash: string | null;
  pskKeyHex: string | null;
  roles: readonly TRoleRef[];
  groups: readonly TGroupRef[];
  revokedKeys: readonly string[];
};

/**
 * The ops for one device: its client (none when it has no credential left: a revoked device cannot log in) and its
 * revoked certificates, each naming it so that its sessions close at once.
 */
export function deviceOps(d: TPluginDevice): TPluginOp[] {
  const secret = d.authType === "PASSWORD" ? d.passwordHash : d.authType === "PSK" ? d.pskKeyHex : null;
  const credential = d.authType === "PASSWORD" ? "password" : d.authType === "PSK" ? "psk" : "cert";
  const usable = d.authType === "X509" || secret !== null;
  const client: TPluginOp = usable
    ? {
        op: "upsertClient",
        username: d.clientId,
        clientid: d.clientId,
        credential,
        ...(secret !== null ? { secret } : {}),
        ...(d.disabled ? { disabled: true } : {}),
        roles: d.roles.map((r) => ({ rolename: r.rolename, priority: r.priority ?? -1 })),
        groups: d.groups.map((g) => ({ groupname: g.groupname, priority: g.priority ?? -1 })),
      }
    : { op: "deleteClient", username: d.clientId };
  return [client, ...d.revokedKeys.map((key) => ({ op: "revoke", key, username: d.clientId }))];
}

export const deletedDeviceOp = (clientId: string): TPluginOp => ({ op: "deleteClient", username: clientId });
export const roleOp = (r: TRole): TPluginOp => ({ op: "upsertRole", rolename: r.rolename, acls: r.acls.map((a) => ({ acltype: a.acltype, topic: a.topic, priority: a.priority ?? 0, allow: a.allow ?? false })) });
export const deletedRoleOp = (name: string): TPluginOp => ({ op: "deleteRole", rolename: name });
export const groupOp = (g: { groupname: string; roles: readonly TRoleRef[] }): TPluginOp => ({ op: "upsertGroup", groupname: g.groupname, roles: g.roles.map((r) => ({ rolename: r.rolename, priority: r.priority ?? -1 })) });
export const deletedGroupOp = (name: string): TPluginOp => ({ op: "deleteGroup", groupname: name });
export const defaultsOp = (d: TDefaultAccess): TPluginOp => ({ op: "setDefaults", ...d });
/** Fleetward's TLS probe: a PSK identity that may use no topic (the plugin refuses it every one). */
export const probeOp = (keyHex: string): TPluginOp => ({ op: "upsertClient", username: PROBE_PSK_IDENTITY, clientid: PROBE_PSK_IDENTITY, credential: "probe", secret: keyHex });
