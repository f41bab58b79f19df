// The secret parts of an agent command (password hashes, PSK keys) encrypted to that agent alone, so a reader of the
// bus sees none of them: ECIES to the public key of the agent's own certificate. EC keys (P-256, as Fleetward issues
// them; P-384, P-521): an ephemeral ECDH key on the same curve, HKDF-SHA256, AES-256-GCM. RSA keys: a random
// AES-256-GCM key wrapped with RSA-OAEP-SHA256. The box names the certificate it was made for (SHA-256 of its DER),
// and that fingerprint is the GCM associated data, so an agent with another certificate refuses it plainly.
// The command around it stays signed by Fleetward, box included: nobody can swap it. Pure (node:crypto only).
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, privateDecrypt, publicEncrypt, randomBytes, X509Certificate, constants, type KeyObject } from "node:crypto";

export type TSealedBox = {
  alg: "ECDH-ES+A256GCM" | "RSA-OAEP-256+A256GCM";
  /** SHA-256 fingerprint (hex) of the certificate it is sealed to. */
  to: string;
  /** ECDH: the ephemeral public key (SPKI DER, base64). RSA: the wrapped content key (base64). */
  key: string;
  iv: string;
  ct: string;
  tag: string;
};

const INFO = Buffer.from("fleetward agent command secrets v1");

export const certFingerprint = (cert: X509Certificate) => cert.fingerprint256.replaceAll(":", "").toLowerCase();

function ecContentKey(shared: Buffer, ephemeralDer: Buffer, to: string): Buffer {
  return Buffer.from(hkdfSync("sha256", shared, Buffer.from(to, "hex"), Buffer.concat([INFO, ephemeralDer]), 32));
}

/** Why the agent's certificate cannot receive a box (a key type with no encryption here), or null. */
export function sealingProblem(cert: X509Certificate): string | null {
  const type = cert.publicKey.asymmetricKeyType;
  return type === "ec" || type === "rsa" ? null : `its ${String(type)} key cannot be encrypted to (an EC or RSA key is needed)`;
}

/** Encrypts `plaintext` to the holder of the certificate's private key. */
export function sealToCertificate(plaintext: string, certPem: string): TSealedBox {
  const cert = new X509Certificate(certPem);
  const problem = sealingProblem(cert);
  if (problem) throw new Error(`Cannot encrypt to ${cert.subject.replaceAll("\n", ", ")}: ${problem}.`);
  const to = certFingerprint(cert);
  const pub = cert.publicKey;
  let alg: TSealedBox["alg"];
  let contentKey: Buffer;
  let key: Buffer;
  if (pub.asymmetricKeyType === "ec") {
    const eph = generateKeyPairSync("ec", { namedCurve: pub.asymmetricKeyDetails!.namedCurve! });
    key = eph.publicKey.export({ type: "spki", format: "der" });
    contentKey = ecContentKey(diffieHellman({ privateKey: eph.privateKey, publicKey: pub }), key, to);
    alg = "ECDH-ES+A256GCM";
  } else {
    contentKey = randomBytes(32);
    key = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, contentKey);
    alg = "RSA-OAEP-256+A256GCM";
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", contentKey, iv).setAAD(Buffer.from(to, "hex"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const b64 = (b: Buffer) => b.toString("base64");
  return { alg, to, key: b64(key), iv: b64(iv), ct: b64(ct), tag: b64(cipher.getAuthTag()) };
}

/** Whether a value has a sealed box's shape (the agent checks this before the signature's fields are trusted). */
export function isSealedBox(v: unknown): v is TSealedBox {
  if (!v || typeof v !== "object") return false;
  const b = v as Record<string, unknown>;
  return (b.alg === "ECDH-ES+A256GCM" || b.alg === "RSA-OAEP-256+A256GCM") && ["to", "key", "iv", "ct", "tag"].every((k) => typeof b[k] === "string");
}

/** Opens a box with the agent's certificate and key; throws saying why it cannot (another certificate, tampered). */
export function openSealedBox(box: TSealedBox, certPem: string, keyPem: string): string {
  const to = certFingerprint(new X509Certificate(certPem));
  if (box.to !== to) throw new Error(`the command's secrets are encrypted to certificate ${box.to.slice(0, 16)}, not this agent's (${to.slice(0, 16)})`);
  const priv: KeyObject = createPrivateKey(keyPem);
  const key = Buffer.from(box.key, "base64");
  const contentKey =
    box.alg === "ECDH-ES+A256GCM"
      ? ecContentKey(diffieHellman({ privateKey: priv, publicKey: createPublicKey({ key, format: "der", type: "spki" }) }), key, to)
      : privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, key);
  const decipher = createDecipheriv("aes-256-gcm", contentKey, Buffer.from(box.iv, "base64")).setAAD(Buffer.from(to, "hex"));
  decipher.setAuthTag(Buffer.from(box.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(box.ct, "base64")), decipher.final()]).toString("utf8");
}
