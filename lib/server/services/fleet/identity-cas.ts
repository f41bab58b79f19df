import "server-only";
import type { TAgentCertCheck } from "@/lib/fleet/broker-driver";
import { db } from "../../db";
import { agentCertProblem } from "../../pki/admin-identity-check";
import { fleetCa, serviceCa } from "./fleet-keys";

/** The CAs that issue device certificates: the fleet CA and every device CA added (created or imported). */
export async function deviceCaPems(): Promise<string[]> {
  const [fleet, added] = await Promise.all([fleetCa(), db.certificateAuthority.findMany({ select: { certPem: true } })]);
  return [fleet.certPem, ...added.map((c) => c.certPem)];
}

/** Checks the certificate a broker's agent announces before its secrets are encrypted to it (see agentCertProblem). */
export function agentCertCheck(broker: { name: string; caPem: string }): TAgentCertCheck {
  return async (certPem) => {
    const [service, device] = await Promise.all([serviceCa(), deviceCaPems()]);
    return agentCertProblem(certPem, broker.name, { trusted: [service.certPem, broker.caPem], device });
  };
}
