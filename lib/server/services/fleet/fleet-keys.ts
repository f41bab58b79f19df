import "server-only";
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { db } from "../../db";
import { createCa, type TKeyPairPem } from "../../pki/x509";
import { seal, unseal } from "../../secrets";

const CA = "fleet-ca";
const SERVICE_CA = "service-ca";
export const SIGNING = "command-signing";
/** A new command key staged for a rotation: agents are given its public half before Fleetward signs with it. */
export const SIGNING_NEXT = "command-signing-next";
const PROBE_PSK = "probe-psk";

/** The sealing context of a key Fleetward owns, by its name. */
export const fleetSecretContext = (name: string) => `fleet-secret:${name}`;

async function loadOrCreate(name: string, make: () => Promise<{ publicPem: string; privatePem: string }>) {
  const existing = await db.fleetSecret.findUnique({ where: { name } });
  if (!existing) {
    const made = await make();
    // Two processes may race to create it: the first insert wins and both use what is stored.
    await db.fleetSecret.createMany({
      data: [{ name, publicPem: made.publicPem, sealed: seal(made.privatePem, fleetSecretContext(name)) }],
      skipDuplicates: true,
    });
  }
  const row = await db.fleetSecret.findUniqueOrThrow({ where: { name } });
  return { publicPem: row.publicPem, privatePem: unseal(row.sealed, fleetSecretContext(name)) };
}

/** The fleet CA that issues broker server certificates and device certificates. Created on first use. */
export async function fleetCa(): Promise<TKeyPairPem> {
  const k = await loadOrCreate(CA, async () => {
    const ca = await createCa("Fleetward Fleet CA");
    return { publicPem: ca.certPem, privatePem: ca.keyPem };
  });
  return { certPem: k.publicPem, keyPem: k.privatePem };
}

/**
 * Fleetward's service CA: it issues only Fleetward's own client identities (the admin identity and the agents'),
 * never a device certificate, and it is the only CA a broker's admin listener trusts. Created on first use.
 */
export async function serviceCa(): Promise<TKeyPairPem> {
  const k = await loadOrCreate(SERVICE_CA, async () => {
    const ca = await createCa("Fleetward Service CA");
    return { publicPem: ca.certPem, privatePem: ca.keyPem };
  });
  return { certPem: k.publicPem, keyPem: k.privatePem };
}

const newCommandKey = async () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
};

/** Ed25519 key that signs agent commands; agents hold only the public half. */
export const commandSigningKey = () => loadOrCreate(SIGNING, newCommandKey);

/** The staged next command key, created if there is none (`created` says which). */
export async function stagedCommandKey(): Promise<{ publicPem: string; privatePem: string; created: boolean }> {
  const created = !(await db.fleetSecret.findUnique({ where: { name: SIGNING_NEXT }, select: { name: true } }));
  return { ...(await loadOrCreate(SIGNING_NEXT, newCommandKey)), created };
}

/** A public key's short name for people: SHA-256 of its DER encoding, the first 16 hex digits. */
export const keyFingerprint = (publicPem: string) =>
  createHash("sha256").update(createPublicKey(publicPem).export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);

/** 256-bit TLS-PSK key (hex) of the probe identity every broker holds, so Fleetward can probe the PSK listener. */
export async function probePskKey(): Promise<string> {
  // A symmetric key has no public half: the sealed column holds all of it.
  const k = await loadOrCreate(PROBE_PSK, async () => ({ publicPem: "", privatePem: randomBytes(32).toString("hex") }));
  return k.privatePem;
}
