import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { generatePassword } from "../../passwords";
import { seal } from "../../secrets";

export const pskContext = (deviceId: string) => `device:${deviceId}:psk`;

/** What a device's owner receives once, named as the API returns it. */
export type TDeviceSecret = { password?: string; pskIdentity?: string; pskKey?: string; certPem?: string; keyPem?: string };

export type TNewCredential =
  | { row: { id: string; authType: "PASSWORD"; passwordHash: string }; secret: TDeviceSecret }
  | { row: { id: string; authType: "PSK"; pskIdentity: string; pskKeySealed: string }; secret: TDeviceSecret };

/**
 * A fresh dedicated secret for a device: a 190-bit password kept only as the broker's hash, or a 256-bit
 * TLS-PSK key sealed at rest (the broker needs it in clear in psk_file). The secret is returned once.
 */
export async function newCredential(type: "password" | "psk", clientId: string, id = randomUUID()): Promise<TNewCredential> {
  if (type === "password") {
    const password = generatePassword(32);
    return { row: { id, authType: "PASSWORD", passwordHash: await mosquittoPasswordHash(password) }, secret: { password } };
  }
  const pskKey = randomBytes(32).toString("hex");
  return { row: { id, authType: "PSK", pskIdentity: clientId, pskKeySealed: seal(pskKey, pskContext(id)) }, secret: { pskIdentity: clientId, pskKey } };
}
