// The state Fleetward's broker plugin holds (broker-plugin/src/fw.h), and its digest computed as the plugin computes
// it (digest.c): each entry hashed on its own, SHA-256 over its fields each written as "<byte length>:<bytes>", the
// state's digest the XOR of all of them and of the default access. Fleetward computes it from Postgres and compares
// it with the one a broker reports, so drift is seen without rendering anything. Pure (node:crypto only).
import { createHash } from "node:crypto";
import type { TAclType, TDefaultAccess, TGroupRef, TRoleRef } from "./acl/dynsec";

export type TPluginCredential = "password" | "psk" | "cert" | "live" | "probe";
export type TPluginClient = {
  username: string;
  clientid: string;
  credential: TPluginCredential;
  /** The password hash ($7$ or $6$) or the PSK key in hex; none for a certificate. */
  secret?: string;
  disabled?: boolean;
  /** Unix seconds; 0 or absent: never. */
  expires?: number;
  roles?: readonly TRoleRef[];
  groups?: readonly TGroupRef[];
};
export type TPluginRule = { acltype: TAclType; topic: string; priority?: number; allow?: boolean };
export type TPluginRole = { rolename: string; acls: readonly TPluginRule[] };
export type TPluginGroup = { groupname: string; roles: readonly TRoleRef[] };
export type TPluginState = {
  clients: readonly TPluginClient[];
  roles: readonly TPluginRole[];
  groups: readonly TPluginGroup[];
  revoked: readonly string[];
  defaults: TDefaultAccess;
};

// Defaults the plugin applies when a priority is left out: a role or group in a list -1, a rule 0 (as dynsec).
const REF_PRIORITY = -1;
const RULE_PRIORITY = 0;

type THash = ReturnType<typeof createHash>;
const field = (h: THash, s: string) => h.update(`${Buffer.byteLength(s)}:`).update(s);
const num = (h: THash, n: number | boolean) => field(h, String(typeof n === "boolean" ? Number(n) : n));
const entry = (kind: string, write: (h: THash) => void) => {
  const h = createHash("sha256");
  field(h, kind);
  write(h);
  return h.digest();
};

const refName = (r: TRoleRef | TGroupRef) => ("rolename" in r ? r.rolename : r.groupname);

/** A role or group list in the plugin's order: priority descending, then name by bytes. */
export function orderedRefs(refs: readonly (TRoleRef | TGroupRef)[] = []): { name: string; priority: number }[] {
  return refs.map((r) => ({ name: refName(r), priority: r.priority ?? REF_PRIORITY })).sort((a, b) => b.priority - a.priority || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

function refs(h: THash, list: readonly (TRoleRef | TGroupRef)[] | undefined) {
  const sorted = orderedRefs(list);
  num(h, sorted.length);
  for (const r of sorted) {
    field(h, r.name);
    num(h, r.priority);
  }
}

export const clientDigest = (c: TPluginClient) =>
  entry("client", (h) => {
    for (const s of [c.username, c.clientid, c.credential, c.secret ?? ""]) field(h, s);
    num(h, c.disabled ?? false);
    num(h, c.expires ?? 0);
    refs(h, c.roles);
    refs(h, c.groups);
  });

export const roleDigest = (r: TPluginRole) =>
  entry("role", (h) => {
    field(h, r.rolename);
    num(h, r.acls.length);
    for (const a of r.acls) {
      field(h, a.acltype);
      field(h, a.topic);
      num(h, a.priority ?? RULE_PRIORITY);
      num(h, a.allow ?? false);
    }
  });

export const groupDigest = (g: TPluginGroup) =>
  entry("group", (h) => {
    field(h, g.groupname);
    refs(h, g.roles);
  });
export const revokedDigest = (key: string) => entry("revoked", (h) => field(h, key));
export const defaultsDigest = (d: TDefaultAccess) => entry("defaults", (h) => [d.publishClientSend, d.publishClientReceive, d.subscribe, d.unsubscribe].forEach((v) => num(h, v)));

/** XOR of equal-length digests. */
export function xorDigests(digests: Iterable<Buffer>, start: Buffer = Buffer.alloc(32)): Buffer {
  const acc = Buffer.from(start);
  for (const d of digests) for (let i = 0; i < 32; i++) acc[i]! ^= d[i]!;
  return acc;
}

/** The digest the plugin reports for this state (hex). */
export function pluginStateDigest(s: TPluginState): string {
  return xorDigests([...s.clients.map(clientDigest), ...s.roles.map(roleDigest), ...s.groups.map(groupDigest), ...s.revoked.map(revokedDigest), defaultsDigest(s.defaults)]).toString("hex");
}
