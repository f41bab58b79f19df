import "server-only";
import { recordCertificates } from "../certificates/record-certificates";
import { change } from "../../change";
import { randomUUID } from "node:crypto";
import type { TBrokerCreate } from "@/lib/schemas/broker";
import { ChannelError } from "@/lib/fleet/admin-channel";
import { mosquittoDriver } from "@/lib/fleet/mosquitto-driver";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { enqueueBrokerSyncs } from "../../queue";
import { tlsIdentityProblems } from "../../pki/pem-check";
import { seal } from "../../secrets";
import { certificatesIn, deviceIssuedProblem } from "../../pki/admin-identity-check";
import { deviceCaPems } from "../fleet/identity-cas";
import { signAgentCommand } from "../fleet/sign-agent-command";
import { adminKeyContext } from "./broker-driver-for";
import { toBrokerDto } from "./broker-dto";

export type TRegisterBrokerOptions = {
  actor: TActor;
  input: TBrokerCreate;
  /** Re-registering a broker of the same name updates it (the local fleet does this on every start). */
  replace?: boolean;
};

/** The request field to fix for each way the admin channel can fail. */
export const CHANNEL_ERROR_FIELD: Record<ChannelError["kind"], string> = {
  tls_verification_failed: "caPem",
  refused: "ports.admin",
  unreachable: "host",
  wrong_admin_identity: "adminCertPem",
  no_agent: "ports.admin",
  agent_error: "ports.admin",
};

/** Tests the admin channel end to end, then stores the broker (admin key sealed) and queues its first sync. */
export async function registerBroker({ actor, input, replace = false }: TRegisterBrokerOptions) {
  const existing = await db.broker.findUnique({ where: { name: input.name } });
  if (existing && !replace) throw new AppError("CONFLICT", `A broker named ${input.name} is already registered.`, { name: "is already in use" });

  const pem = tlsIdentityProblems(input);
  if (Object.keys(pem).length) throw new AppError("UNPROCESSABLE", `Invalid body: ${Object.entries(pem).map(([f, r]) => `${f} ${r}`).join("; ")}.`, pem);
  // A device CA's certificate for Fleetward's admin name would make every holder of that CN's device certificate the
  // admin on a broker that trusts it: refused before anything is tried (see README, "Reserved for Fleetward").
  const [adminCert] = certificatesIn(input.adminCertPem);
  const deviceIssued = adminCert && deviceIssuedProblem(adminCert, (await deviceCaPems()).flatMap(certificatesIn));
  if (deviceIssued) throw new AppError("UNPROCESSABLE", `The admin certificate ${deviceIssued}.`, { adminCertPem: deviceIssued });

  const endpoint = { name: input.name, host: input.host, adminPort: input.ports.admin, caPem: input.caPem, adminCertPem: input.adminCertPem, adminKeyPem: input.adminKeyPem };
  const facts = await mosquittoDriver(endpoint, signAgentCommand)
    .probe()
    .catch((e: unknown) => {
      if (e instanceof ChannelError) throw new AppError("UNPROCESSABLE", e.message, { [CHANNEL_ERROR_FIELD[e.kind]]: e.message });
      throw e;
    });

  const id = existing?.id ?? randomUUID();
  const data = {
    name: input.name,
    host: input.host,
    ports: input.ports,
    caPem: input.caPem.trim() + "\n",
    adminCertPem: input.adminCertPem.trim() + "\n",
    adminKeySealed: seal(input.adminKeyPem, adminKeyContext(id)),
    tags: input.tags,
    enforcement: input.enforcement === "plugin" ? ("PLUGIN" as const) : ("FILES" as const),
    version: facts.version,
    uptimeSeconds: facts.uptimeSeconds,
    connectedClients: facts.connectedClients,
    actualDigests: facts.digests,
    lastSeenAt: new Date(),
  };
  const { broker, revision } = await change(async (tx) => {
    // A new broker starts after every kick so far: it is about to receive the state that refuses those clients.
    const lastKick = existing ? null : await tx.kick.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
    const b = existing ? await tx.broker.update({ where: { id }, data }) : await tx.broker.create({ data: { id, ...data, kickedUpTo: lastKick?.id ?? 0n } });
    await appendAudit(tx, actor, {
      action: existing ? "broker.update" : "broker.create",
      targetType: "broker",
      targetId: id,
      details: { after: { name: b.name, host: b.host, ports: input.ports, tags: b.tags } },
    });
    await recordCertificates([{ pem: data.caPem, kind: "CA" }, { pem: data.adminCertPem, kind: "SERVICE" }], tx);
    await enqueueBrokerSyncs(tx, [id], existing ? "broker re-registered" : "broker registered", true);
    return { broker: b, revision: (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision };
  });
  return toBrokerDto(broker, revision);
}
