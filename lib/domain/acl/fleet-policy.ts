// The fleet's stored roles, groups and default access, seen from one device: the policy the plugin would hold for
// it, and the acl_file lines Fleetward renders for it. Devices with the same roles and groups share one compilation.
import { layoutAcl } from "./acl-layout";
import { compileAclLines, expandLines } from "./compile";
import type { TDefaultAccess, TDynsecPolicy, TGroupRef, TRoleRef, TRule } from "./dynsec";

export type TFleetAcl = {
  roles: readonly { rolename: string; acls: readonly TRule[] }[];
  groups: readonly { groupname: string; roles: readonly TRoleRef[] }[];
  defaultACLAccess: TDefaultAccess;
};
export type TDeviceAccess = { roles: readonly TRoleRef[]; groups: readonly TGroupRef[] };

/** The policy for a device that connects as `username`. */
export function devicePolicy(fleet: TFleetAcl, access: TDeviceAccess, username: string): TDynsecPolicy {
  return { roles: fleet.roles, groups: fleet.groups, defaultACLAccess: fleet.defaultACLAccess, client: { username, roles: access.roles, groups: access.groups } };
}

const signature = (a: TDeviceAccess) =>
  JSON.stringify([
    [...a.roles].map((r) => [r.rolename, r.priority ?? -1]).sort(),
    [...a.groups].map((g) => [g.groupname, g.priority ?? -1]).sort(),
  ]);

/** A function giving each device its acl_file lines, compiling each distinct set of roles and groups once. */
export function aclLinesCompiler(fleet: TFleetAcl): (access: TDeviceAccess, clientId: string) => string[] {
  const compiled = new Map<string, string[]>();
  return (access, clientId) => {
    const key = signature(access);
    let lines = compiled.get(key);
    if (!lines) compiled.set(key, (lines = compileAclLines(devicePolicy(fleet, access, clientId))));
    return expandLines(lines, { clientId, username: clientId });
  };
}

/**
 * The whole fleet's acl_file content: the shared `pattern` lines, and each device's own block (templates expanded,
 * in the order given; empty when the patterns say it all). See acl-layout.ts.
 */
export function compileFleetAcl(fleet: TFleetAcl, devices: readonly { clientId: string; access: TDeviceAccess }[]): { patterns: string[]; blocks: string[][] } {
  const sets = new Map<string, { key: string; lines: string[]; devices: number }>();
  const keys = devices.map((d) => {
    const key = signature(d.access);
    const set = sets.get(key);
    if (set) set.devices++;
    else sets.set(key, { key, lines: compileAclLines(devicePolicy(fleet, d.access, d.clientId)), devices: 1 });
    return key;
  });
  const layout = layoutAcl([...sets.values()]);
  return { patterns: layout.patterns, blocks: devices.map((d, i) => expandLines(layout.blocks.get(keys[i]!)!, { clientId: d.clientId, username: d.clientId })) };
}
