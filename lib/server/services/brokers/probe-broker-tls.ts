import "server-only";
import { PROBE_PSK_IDENTITY } from "@/lib/domain/broker-files";
import { LISTENERS, type TBrokerPorts, type TListenerName } from "@/lib/domain/mosquitto-conf";
import { probeTls, type TTlsPosture, type TTlsTarget } from "@/lib/fleet/tls-probe";
import { db } from "../../db";
import { AppError } from "../../errors";
import { issueCertificate } from "../../pki/x509";
import { fleetCa, probePskKey } from "../fleet/fleet-keys";
import { endpointOf } from "./broker-driver-for";

const NO_PROBE_IDENTITY =
  "The broker does not hold Fleetward's probe identity yet (it has not applied the desired state since the probe was added): Reconcile now pushes it.";

/**
 * TLS posture of each listener: protocol versions accepted, negotiated suite and key exchange, certificate chain.
 * The PSK listener is probed with Fleetward's own probe identity, which every broker holds and which may do nothing.
 */
export async function probeBrokerTls(id: string) {
  const b = await db.broker.findUnique({ where: { id } });
  if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
  const ep = endpointOf(b);
  const ports = b.ports as Partial<TBrokerPorts>;
  const probeKey = Buffer.from(await probePskKey(), "hex");
  // The admin listener trusts only the service CA (Fleetward's admin identity), the device listeners only device CAs:
  // they are offered a throwaway certificate from the fleet CA as the probe identity, which every broker's ACL lets
  // do nothing. Kept nowhere and valid for an hour.
  const probeCert = await issueCertificate({ ca: await fleetCa(), commonName: PROBE_PSK_IDENTITY, usage: "client", days: 1 / 24 });
  const listeners: { listener: TListenerName; port: number; posture: TTlsPosture }[] = [];
  for (const listener of LISTENERS) {
    const port = ports[listener];
    if (port === undefined) continue; // a broker registered without a live listener
    // A client certificate is offered so listeners that require one complete the handshake.
    const [clientCertPem, clientKeyPem] = listener === "admin" ? [ep.adminCertPem, ep.adminKeyPem] : [probeCert.certPem, probeCert.keyPem];
    const target: TTlsTarget =
      listener === "psk" ? { host: b.host, port, psk: { identity: PROBE_PSK_IDENTITY, key: probeKey } } : { host: b.host, port, caPem: b.caPem, clientCertPem, clientKeyPem };
    const posture = await probeTls(target);
    if (listener === "psk" && /unknown psk identity/i.test(posture.detail["TLSv1.2"] ?? "")) posture.error = NO_PROBE_IDENTITY;
    listeners.push({ listener, port, posture });
  }
  return { broker: b.name, probedAt: new Date().toISOString(), listeners };
}
