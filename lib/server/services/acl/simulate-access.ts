import "server-only";
import type { z } from "zod";
import { decideAclFile, parseAclFile } from "@/lib/domain/acl/acl-file";
import { expandPolicy } from "@/lib/domain/acl/compile";
import { decideDynsec } from "@/lib/domain/acl/dynsec";
import { devicePolicy } from "@/lib/domain/acl/fleet-policy";
import type { ZSimulate, ZSimulation } from "@/lib/schemas/acl";
import type { TActor } from "../../audit";
import { db } from "../../db";
import { notFound } from "../../errors";
import { renderDesiredState } from "../fleet/render-desired-state";
import { evaluateAdHoc } from "./evaluate-ad-hoc";
import { loadDeviceAccess, loadFleetAcl, NO_ACCESS } from "./fleet-acl";

type TSimulation = z.infer<typeof ZSimulation>;

/**
 * Allowed or denied, and what decided it. The ad hoc form is evaluated as Mosquitto's dynamic security plugin
 * does; a stored device as the fleet's brokers enforce it now: the acl_file rendered from Postgres, for the
 * identity the device connects with (its client id is its username on every device listener).
 */
export async function simulateAccess(input: z.infer<typeof ZSimulate>, { actor }: { actor: TActor }): Promise<TSimulation> {
  if (!("deviceId" in input)) {
    // A policy sent in the request: bounded, rate-limited per principal and run off the request thread.
    const policy = { roles: input.roles, groups: input.groups, client: input.client, defaultACLAccess: input.defaultACLAccess };
    const { allowed, decidedBy } = await evaluateAdHoc({ actor, job: { kind: "decide", policy, action: input.action, topic: input.topic } });
    return { allowed, model: "dynsec", decidedBy };
  }
  const device = await db.device.findUnique({ where: { id: input.deviceId }, select: { clientId: true, authType: true, disabled: true, passwordHash: true, pskKeySealed: true, certificates: { where: { revokedAt: null }, select: { id: true } } } });
  if (!device) throw notFound("Device");
  const credential = device.authType === "PASSWORD" ? device.passwordHash : device.authType === "PSK" ? device.pskKeySealed : device.certificates.length > 0;
  if (!credential) return { allowed: false, model: "acl_file", decidedBy: { kind: "connection", reason: "the device has no valid credential (revoked): brokers refuse its connection" } };
  if (device.disabled && device.authType !== "X509") return { allowed: false, model: "acl_file", decidedBy: { kind: "connection", reason: "the device is disabled: brokers refuse its connection" } };
  const [{ files, revision }, fleet, access] = await Promise.all([renderDesiredState(), loadFleetAcl(db), loadDeviceAccess(db, [input.deviceId])]);
  const { allowed, decidedBy } = decideAclFile(parseAclFile(files.acl), { username: device.clientId, clientId: device.clientId }, input.action, input.topic);
  // What the device's roles say, read as the plugin would: names the role, priority and rule behind the line.
  const policy = expandPolicy(devicePolicy(fleet, access.get(input.deviceId) ?? NO_ACCESS, device.clientId), { clientId: device.clientId, username: device.clientId });
  return { allowed, model: "acl_file", decidedBy: { ...decidedBy, revision: revision.toString() }, roles: decideDynsec(policy, input.action, input.topic) };
}
