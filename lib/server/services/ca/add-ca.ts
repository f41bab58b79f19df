import "server-only";
import { randomUUID } from "node:crypto";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { subjectHash } from "../../pki/ca-check";
import { certInfo } from "../../pki/cert-info";
import { createCrl, type TKeyPairPem } from "../../pki/x509";
import { desiredStateChanged } from "../../queue";
import { seal } from "../../secrets";
import { recordCertificates } from "../certificates/record-certificates";
import { caKeyContext } from "./device-issuer";
import { findCas } from "./find-cas";

export type TAddCaOptions = { actor: TActor; keys: TKeyPairPem; source: "CREATED" | "IMPORTED"; audit: Record<string, unknown> };

/**
 * Adds a device CA and makes it the one that signs new device certificates. Brokers are told to trust it (and get
 * its first CRL) in the same change; certificates from earlier CAs stay valid until they expire or are revoked.
 */
export async function addCa({ actor, keys, source, audit }: TAddCaOptions) {
  const id = randomUUID();
  const info = certInfo(keys.certPem);
  const [hash, crlPem] = [subjectHash(keys.certPem), await createCrl(keys, [])];
  await change(async (tx) => {
    if (await tx.certificateAuthority.findUnique({ where: { fingerprint256: info.fingerprint256 } })) {
      throw new AppError("CONFLICT", "This CA is already one of the fleet's CAs.", { certPem: "is already a CA of this fleet" });
    }
    await tx.certificateAuthority.updateMany({ where: { issuing: true }, data: { issuing: false } });
    await tx.certificateAuthority.create({
      data: {
        id,
        commonName: info.commonName ?? info.subject,
        certPem: keys.certPem,
        keySealed: seal(keys.keyPem, caKeyContext(id)),
        subjectHash: hash,
        fingerprint256: info.fingerprint256,
        source,
        issuing: true,
        crlPem,
        crlIssuedAt: new Date(),
      },
    });
    await recordCertificates([{ pem: keys.certPem, kind: "CA" }], tx);
    await appendAudit(tx, actor, {
      action: source === "CREATED" ? "ca.create" : "ca.import",
      targetType: "ca",
      targetId: id,
      details: { after: { subject: info.subject, keyType: info.keyType, keyBits: info.keyBits, notAfter: info.notAfter.toISOString(), fingerprint256: info.fingerprint256, issuing: true, ...audit } },
    });
    await desiredStateChanged(tx, `device CA ${info.commonName ?? info.subject} added`, { access: false, changes: [{ kind: "files" }] });
  });
  return (await findCas()).items.find((c) => c.id === id)!;
}
