import "server-only";
import { POSTURE_RULES, postureFindings } from "@/lib/domain/security/posture";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { findAclFindings } from "../acl/find-acl-findings";
import { upsertFinding } from "./upsert-finding";

const CHECKER = "posture check";

/**
 * Runs every posture check on the fleet as it stands: opens a finding for each weakness (or refreshes the open one)
 * and resolves the open ones whose condition is gone. Audited with what it raised and resolved.
 */
export async function runPostureChecks(actor: TActor) {
  const now = new Date();
  const [certificates, devices, seen, tokens, acl, connected] = await Promise.all([
    db.certificate.findMany({ select: { serial: true, kind: true, subject: true, fingerprint256: true, keyType: true, keyBits: true, notBefore: true, notAfter: true, revokedAt: true, device: { select: { clientId: true } } } }),
    db.device.findMany({ select: { clientId: true, disabled: true, createdAt: true } }),
    db.$queryRaw<{ clientId: string; at: Date }[]>`SELECT "clientId", max("at") AS at FROM "SecurityEvent" WHERE "kind" = 'connect' AND "clientId" IS NOT NULL GROUP BY "clientId"`,
    db.apiToken.findMany({ select: { name: true, createdAt: true, lastUsedAt: true, revokedAt: true } }),
    findAclFindings(),
    db.$queryRaw<{ clientId: string }[]>`
      SELECT "clientId" FROM (
        SELECT DISTINCT ON ("broker", "clientId") "clientId", "kind" FROM "SecurityEvent"
        WHERE "kind" IN ('connect', 'disconnect', 'kick') AND "clientId" IS NOT NULL AND "at" > now() - interval '30 days'
        ORDER BY "broker", "clientId", "id" DESC
      ) last WHERE "kind" = 'connect'`,
  ]);
  const lastSeen = new Map(seen.map((s) => [s.clientId, s.at]));
  const found = postureFindings({
    now,
    certificates: certificates.map(({ device, ...c }) => ({ ...c, clientId: device?.clientId ?? null })),
    devices: devices.map((d) => ({ ...d, lastSeenAt: lastSeen.get(d.clientId) ?? null })),
    tokens,
    aclFindings: acl.findings,
    connected: new Set(connected.map((c) => c.clientId)),
  });
  return change(async (tx) => {
    const raised: string[] = [];
    for (const f of found) if ((await upsertFinding(tx, f, now, false)).created) raised.push(`${f.rule}:${f.subject}`);
    const current = new Set(found.map((f) => `${f.rule}\n${f.subject}`));
    const open = await tx.securityFinding.findMany({ where: { resolvedAt: null, rule: { in: [...POSTURE_RULES] } }, select: { id: true, rule: true, subject: true } });
    const gone = open.filter((o) => !current.has(`${o.rule}\n${o.subject}`));
    if (gone.length) await tx.securityFinding.updateMany({ where: { id: { in: gone.map((g) => g.id) } }, data: { resolvedAt: now, resolvedBy: CHECKER } });
    const result = { open: found.length, raised: raised.length, resolved: gone.length };
    await appendAudit(tx, actor, { action: "security.posture_run", targetType: "posture", details: { ...result, raisedFindings: raised.slice(0, 50), resolvedFindings: gone.slice(0, 50).map((g) => `${g.rule}:${g.subject}`) } });
    return { ...result, checkedAt: now.toISOString() };
  });
}
