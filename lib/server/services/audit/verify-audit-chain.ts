import "server-only";
import { firstBrokenLink, GENESIS_HASH } from "@/lib/domain/audit-hash";
import { db } from "../../db";

const BATCH = 5_000;

/** Walks the whole chain in id order, in batches, and names the first event that does not link or hash. */
export async function verifyAuditChain() {
  let prevHash = GENESIS_HASH;
  let after = BigInt(0);
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: BATCH });
    if (rows.length === 0) break;
    const broken = firstBrokenLink(prevHash, rows.map((r) => ({ ...r, id: r.id.toString() })));
    if (broken !== null) {
      const index = rows.findIndex((r) => r.id.toString() === broken);
      return { ok: false, checked: checked + index + 1, firstBroken: broken };
    }
    checked += rows.length;
    const last = rows.at(-1)!;
    prevHash = last.hash;
    after = last.id;
  }
  return { ok: true, checked, firstBroken: null };
}
