import "server-only";
import type { TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import { ChannelError } from "@/lib/fleet/admin-channel";
import { mosquittoDriver } from "@/lib/fleet/mosquitto-driver";
import type { TBrokerAdminIdentity } from "@/lib/schemas/broker";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError, notFound } from "../../errors";
import { checkAdminIdentity } from "../../pki/admin-identity-check";
import { certInfo } from "../../pki/cert-info";
import { enqueueBrokerSyncs } from "../../queue";
import { seal } from "../../secrets";
import { recordCertificates } from "../certificates/record-certificates";
import { deviceCaPems } from "../fleet/identity-cas";
import { signAgentCommand } from "../fleet/sign-agent-command";
import { adminKeyContext } from "./broker-driver-for";
import { toBrokerDto } from "./broker-dto";
import { CHANNEL_ERROR_FIELD } from "./register-broker";

export type TRotateBrokerAdminIdentityOptions = { actor: TActor; id: string; input: TBrokerAdminIdentity };

const FIELD_NAMES: Record<string, string> = { adminCertPem: "admin certificate", adminKeyPem: "admin private key" };

const summary = (pem: string) => {
  const c = certInfo(pem);
  return { serial: c.serial, fingerprint256: c.fingerprint256, notAfter: c.notAfter.toISOString() };
};

/**
 * Replaces the client certificate and key Fleetward presents on one broker's admin channel. The new identity is
 * checked (never from a CA that issues device certificates), then tried on the broker itself (TLS both ways, the agent answering) while the old one stays in use, so
 * a refused identity changes nothing. Syncs that start after the commit, and the monitor's next connection, use it.
 */
export async function rotateBrokerAdminIdentity({ actor, id, input }: TRotateBrokerAdminIdentityOptions) {
  const broker = await db.broker.findUnique({ where: { id } });
  if (!broker) throw notFound("Broker");
  const checked = checkAdminIdentity(input.adminCertPem, input.adminKeyPem, await deviceCaPems());
  if (!checked.ok) {
    const [field, reason] = Object.entries(checked.fields)[0]!;
    throw new AppError("UNPROCESSABLE", `The ${FIELD_NAMES[field] ?? field} ${reason}.`, checked.fields);
  }
  const endpoint = { name: broker.name, host: broker.host, adminPort: (broker.ports as TBrokerPorts).admin, caPem: broker.caPem, adminCertPem: input.adminCertPem, adminKeyPem: input.adminKeyPem };
  await mosquittoDriver(endpoint, signAgentCommand)
    .probe()
    .catch((e: unknown) => {
      if (e instanceof ChannelError) throw new AppError("UNPROCESSABLE", `The broker did not accept the new admin identity: ${e.message}`, { [CHANNEL_ERROR_FIELD[e.kind]]: e.message });
      throw e;
    });

  const adminCertPem = input.adminCertPem.trim() + "\n";
  const { updated, revision } = await change(async (tx) => {
    const current = await tx.broker.findUnique({ where: { id }, select: { adminCertPem: true } });
    if (!current) throw notFound("Broker");
    const b = await tx.broker.update({ where: { id }, data: { adminCertPem, adminKeySealed: seal(input.adminKeyPem, adminKeyContext(id)) } });
    await recordCertificates([{ pem: adminCertPem, kind: "SERVICE" }], tx);
    await appendAudit(tx, actor, {
      action: "broker.admin_identity_rotate",
      targetType: "broker",
      targetId: id,
      details: { name: b.name, before: summary(current.adminCertPem), after: summary(adminCertPem) },
    });
    // A sync now proves the new identity on the channel every later change takes.
    await enqueueBrokerSyncs(tx, [id], "admin identity rotated", true);
    return { updated: b, revision: (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision };
  });
  return toBrokerDto(updated, revision);
}
