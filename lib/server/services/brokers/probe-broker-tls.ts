import "server-only";
import type { TBrokerPorts, TListenerName } from "@/lib/domain/mosquitto-conf";
import { probeTls, type TTlsPosture } from "@/lib/fleet/tls-probe";
import { db } from "../../db";
import { AppError } from "../../errors";
import { endpointOf } from "./broker-driver-for";

// The PSK listener has no certificate and needs a PSK identity to handshake: it is probed separately.
const CERT_LISTENERS: TListenerName[] = ["admin", "tlsPassword", "mtls", "wss"];

/** TLS posture of each certificate listener: protocol versions accepted, negotiated suite, certificate chain. */
export async function probeBrokerTls(id: string) {
  const b = await db.broker.findUnique({ where: { id } });
  if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
  const ep = endpointOf(b);
  const ports = b.ports as TBrokerPorts;
  const listeners: { listener: TListenerName; port: number; posture: TTlsPosture }[] = [];
  for (const listener of CERT_LISTENERS) {
    // The admin certificate is offered so listeners that require a client certificate complete the handshake.
    const posture = await probeTls({ host: b.host, port: ports[listener], caPem: b.caPem, clientCertPem: ep.adminCertPem, clientKeyPem: ep.adminKeyPem });
    listeners.push({ listener, port: ports[listener], posture });
  }
  return { broker: b.name, probedAt: new Date().toISOString(), listeners };
}
