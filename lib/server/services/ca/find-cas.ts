import "server-only";
import type { TCa } from "@/lib/schemas/ca";
import { certInfo } from "../../pki/cert-info";
import { db } from "../../db";
import { fleetCa } from "../fleet/fleet-keys";

/** The device CAs brokers trust: the fleet CA first, then those created or imported, and which one issues. */
export async function findCas(): Promise<{ items: TCa[] }> {
  const [fleet, rows, counts] = await Promise.all([
    fleetCa(),
    db.certificateAuthority.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
    db.certificate.groupBy({ by: ["caId"], where: { kind: "DEVICE" }, _count: true }),
  ]);
  const issued = (caId: string | null) => counts.find((c) => c.caId === caId)?._count ?? 0;
  const dto = (id: string, pem: string, source: TCa["source"], issuing: boolean, createdAt: Date | null): TCa => {
    const info = certInfo(pem);
    return {
      id,
      commonName: info.commonName ?? info.subject,
      source,
      issuing,
      keyType: info.keyType,
      keyBits: info.keyBits,
      notAfter: info.notAfter.toISOString(),
      fingerprint256: info.fingerprint256,
      deviceCertificates: issued(id === "fleet" ? null : id),
      createdAt: createdAt?.toISOString() ?? null,
    };
  };
  return {
    items: [
      dto("fleet", fleet.certPem, "FLEET", !rows.some((r) => r.issuing), null),
      ...rows.map((r) => dto(r.id, r.certPem, r.source, r.issuing, r.createdAt)),
    ],
  };
}
