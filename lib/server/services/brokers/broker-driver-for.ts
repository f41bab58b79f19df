import "server-only";
import type { Broker } from "@/lib/generated/prisma/client";
import type { TBrokerEndpoint } from "@/lib/fleet/broker-driver";
import { mosquittoDriver } from "@/lib/fleet/mosquitto-driver";
import type { TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import { unseal } from "../../secrets";
import { agentCertCheck } from "../fleet/identity-cas";
import { signAgentCommand } from "../fleet/sign-agent-command";

export const adminKeyContext = (brokerId: string) => `broker:${brokerId}:admin-key`;

export function endpointOf(b: Broker): TBrokerEndpoint {
  return {
    name: b.name,
    host: b.host,
    adminPort: (b.ports as TBrokerPorts).admin,
    caPem: b.caPem,
    adminCertPem: b.adminCertPem,
    adminKeyPem: unseal(b.adminKeySealed, adminKeyContext(b.id)),
  };
}

/** `signal`: cancels what the driver is waiting on (a worker stopping). */
export const driverFor = (b: Broker, signal?: AbortSignal) => mosquittoDriver(endpointOf(b), signAgentCommand, agentCertCheck(b), signal);
