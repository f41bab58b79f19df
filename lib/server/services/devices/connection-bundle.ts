import "server-only";
import type { TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import type { TDeviceCreated } from "@/lib/schemas/device";
import { db } from "../../db";
import { fleetCa } from "../fleet/fleet-keys";

/** The CA a device must trust and every broker endpoint it may use with its kind of credential. */
export async function connectionBundle(authType: "PASSWORD" | "PSK" | "X509"): Promise<Pick<TDeviceCreated, "caPem" | "endpoints">> {
  const [ca, brokers] = await Promise.all([fleetCa(), db.broker.findMany({ orderBy: { name: "asc" } })]);
  const endpoints: TDeviceCreated["endpoints"] = [];
  for (const b of brokers) {
    const p = b.ports as TBrokerPorts;
    if (authType === "PASSWORD") {
      endpoints.push({ broker: b.name, listener: "tls-password", url: `mqtts://${b.host}:${p.tlsPassword}` });
      endpoints.push({ broker: b.name, listener: "wss", url: `wss://${b.host}:${p.wss}/mqtt` });
    } else if (authType === "PSK") endpoints.push({ broker: b.name, listener: "psk", url: `mqtts://${b.host}:${p.psk}` });
    else endpoints.push({ broker: b.name, listener: "mtls", url: `mqtts://${b.host}:${p.mtls}` });
  }
  return { caPem: ca.certPem, endpoints };
}
