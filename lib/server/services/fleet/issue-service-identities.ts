import "server-only";
import { ZBrokerName } from "@/lib/schemas/broker";
import { ADMIN_IDENTITY, agentIdentity } from "@/lib/domain/mosquitto-conf";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { certInfo } from "../../pki/cert-info";
import { issueCertificate, type TKeyPairPem } from "../../pki/x509";
import { recordCertificates } from "../certificates/record-certificates";
import { serviceCa } from "./fleet-keys";

export type TServiceIdentities = { serviceCaPem: string; admin: TKeyPairPem; agent: TKeyPairPem };

/**
 * Fleetward's admin identity and one broker's agent identity, issued by the service CA, for a broker Fleetward did
 * not set up itself: its admin listener then trusts the service CA alone (`cafile`), the agent presents the agent
 * certificate, and the admin identity replaces the broker's current one (PUT /api/v1/brokers/{id}/admin-identity).
 * The private keys are returned once and kept nowhere; the certificates join the inventory; audited.
 */
export async function issueServiceIdentities({ actor, broker, days = 365 }: { actor: TActor; broker: string; days?: number }): Promise<TServiceIdentities> {
  const name = ZBrokerName.safeParse(broker);
  if (!name.success) throw new AppError("UNPROCESSABLE", `--broker ${name.error.issues[0]!.message}`, { broker: name.error.issues[0]!.message });
  const ca = await serviceCa();
  const admin = await issueCertificate({ ca, commonName: ADMIN_IDENTITY, usage: "client", days });
  const agent = await issueCertificate({ ca, commonName: agentIdentity(broker), usage: "client", days });
  await change(async (tx) => {
    await recordCertificates([{ pem: ca.certPem, kind: "CA" }, { pem: admin.certPem, kind: "SERVICE" }, { pem: agent.certPem, kind: "SERVICE" }], tx);
    await appendAudit(tx, actor, {
      action: "fleet.service_identities_issue",
      targetType: "broker",
      targetId: broker,
      details: { after: { admin: certInfo(admin.certPem).serial, agent: certInfo(agent.certPem).serial, notAfter: admin.notAfter.toISOString() } },
    });
  });
  return { serviceCaPem: ca.certPem, admin: { certPem: admin.certPem, keyPem: admin.keyPem }, agent: { certPem: agent.certPem, keyPem: agent.keyPem } };
}
