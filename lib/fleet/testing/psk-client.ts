import mqtt, { type MqttClient } from "mqtt";
import { PSK_CIPHERS } from "@/lib/domain/mosquitto-conf";

/** A TLS-PSK device connection (Node needs the PSK suites named). */
export function connectPsk(port: number, identity: string, keyHex: string): Promise<MqttClient> {
  const client = mqtt.connect(`mqtts://127.0.0.1:${port}`, {
    clientId: identity,
    protocolVersion: 5,
    reconnectPeriod: 0,
    keepalive: 300,
    connectTimeout: 30_000,
    ...({ pskCallback: () => ({ psk: Buffer.from(keyHex, "hex"), identity }), ciphers: PSK_CIPHERS, maxVersion: "TLSv1.2", checkServerIdentity: () => undefined } as object),
  });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (e) => (client.end(true), reject(e)));
  });
}
