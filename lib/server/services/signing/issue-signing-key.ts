import "server-only";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { TSigningAlgorithm } from "@/lib/domain/message-signing";
import type { TSigningKeyIssued } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import type { TTx } from "../../db";
import { AppError } from "../../errors";
import { seal } from "../../secrets";
import { signingChanged, signingKeyContext, toSigningKeyDto } from "./signing-key-dto";

export type TNewSigningKey = { id: string; row: { algorithm: TSigningAlgorithm; publicKeyPem: string | null; secretSealed: string | null }; secret: TSigningKeyIssued["secret"] };

/** A fresh key: an Ed25519 pair (the public half kept) or a 32-byte HMAC key (sealed). The private part is returned once. */
export function newSigningKey(algorithm: TSigningAlgorithm): TNewSigningKey {
  const id = `sk_${randomBytes(12).toString("base64url")}`;
  if (algorithm === "EdDSA") {
    const pair = generateKeyPairSync("ed25519");
    const publicKeyPem = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    return { id, row: { algorithm, publicKeyPem, secretSealed: null }, secret: { privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString() } };
  }
  const hmacKey = randomBytes(32).toString("base64url");
  return { id, row: { algorithm, publicKeyPem: null, secretSealed: seal(hmacKey, signingKeyContext(id)) }, secret: { hmacKey } };
}

/** How the device-side example (examples/signed-publisher.mjs) publishes with this key. */
export const signingExample = (clientId: string, key: TNewSigningKey) =>
  [
    "node examples/signed-publisher.mjs",
    `--url mqtts://BROKER:8883 --ca fleet-ca.pem --username ${clientId} --password-file ${clientId}.password`,
    `--topic devices/${clientId}/telemetry --kid ${key.id}`,
    key.row.algorithm === "EdDSA" ? `--private-key ${clientId}-signing.pem` : `--hmac-key-file ${clientId}-signing.key`,
    "--count 10",
  ].join(" \\\n  ");

/** Stores a new key for a device inside the caller's change (onboarding), audited. */
export async function storeSigningKey(tx: TTx, actor: TActor, device: { id: string; clientId: string }, key: TNewSigningKey, revoked: string[] = []) {
  const row = await tx.signingKey.create({ data: { id: key.id, deviceId: device.id, createdBy: actor.label, ...key.row } });
  await signingChanged(tx);
  await appendAudit(tx, actor, {
    action: revoked.length ? "device.signing_key_rotate" : "device.signing_key_issue",
    targetType: "device",
    targetId: device.id,
    details: { clientId: device.clientId, kid: key.id, algorithm: key.row.algorithm, ...(revoked.length ? { revoked } : {}) },
  });
  return row;
}

/** Issues a signing key to a device, shown once; with `replace`, its active keys are revoked in the same change. */
export async function issueSigningKey({ actor, deviceId, algorithm, replace }: { actor: TActor; deviceId: string; algorithm: TSigningAlgorithm; replace: boolean }): Promise<TSigningKeyIssued> {
  const key = newSigningKey(algorithm);
  return change(async (tx) => {
    const device = await tx.device.findUnique({ where: { id: deviceId }, select: { id: true, clientId: true } });
    if (!device) throw new AppError("NOT_FOUND", "Device was not found.");
    const now = new Date();
    const active = replace ? await tx.signingKey.findMany({ where: { deviceId, revokedAt: null }, select: { id: true }, orderBy: { createdAt: "asc" } }) : [];
    const revoked = active.map((k) => k.id);
    if (revoked.length) await tx.signingKey.updateMany({ where: { id: { in: revoked } }, data: { revokedAt: now, revokedBy: actor.label } });
    const row = await storeSigningKey(tx, actor, device, key, revoked);
    return { key: toSigningKeyDto(row, device.clientId), secret: key.secret, revoked, example: signingExample(device.clientId, key) };
  });
}
